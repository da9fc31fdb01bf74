"""Response bodies of the attachment endpoints (they shape the OpenAPI document at /docs)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.service.schemas import MessageOut


class AttachmentOut(BaseModel):
    """One attachment as the user and agents see it."""

    id: str
    kind: str = Field(description="image, pdf or text: decided from the content, never from the name")
    content_type: str
    size: int = Field(description="bytes as stored, after cleaning")
    filename: str = Field(description="the name the user gave, sanitised; its ending matches the content")
    created_at: str


class UploadOut(AttachmentOut):
    """The stored attachment, what cleaning removed, and its transcript message."""

    removed: list[str] = Field(description="what cleaning removed: image metadata (exif, gps, xmp, png_text, "
                                           "icc_profile, comment, iptc, extra_frames) or kinds of secret redacted "
                                           "from text (seed_phrase, private_key, password, ...)")
    message_id: int = Field(description="the transcript message that stands for the file")
    message: MessageOut = Field(description="that message, as the transcript and the live channel show it")
    warning: str | None = Field(default=None, description="in the user's language, when secrets were removed")


class AttachmentListOut(BaseModel):
    """A conversation's attachments, oldest first."""

    session_id: str
    attachments: list[AttachmentOut]
