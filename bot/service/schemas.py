"""Request and response bodies of the public API (they shape the OpenAPI document at /docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.pipeline import MAX_TEXT_CHARS

# Ids are 64-bit in the database: a larger number can name no row, and the drivers cannot even send it.
MAX_ID = 2**63 - 1


class UserIn(BaseModel):
    """What the embedding site knows about the user."""

    model_config = ConfigDict(extra="forbid")

    uid: str | None = Field(default=None, max_length=64)
    tier: str | int | None = Field(default=None, description="VIP tier, e.g. 'vip2' or 2")

    @field_validator("tier")
    @classmethod
    def _tier_text(cls, value: str | int | None) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if len(text) > 32:
            raise ValueError("tier is at most 32 characters")
        return text or None


class ChatIn(BaseModel):
    """One user message. Without `session_id` a new session is opened."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"The user's message, 1 to {MAX_TEXT_CHARS} characters",
                      max_length=MAX_TEXT_CHARS * 2)
    session_id: str | None = Field(default=None, max_length=64)
    lang: str | None = Field(default=None, max_length=16, description="Force the reply language (e.g. 'fr')")
    user: UserIn | None = None


class Candidate(BaseModel):
    """An FAQ entry the retriever considered, with its fused score."""

    faq_id: str
    score: float


class Option(BaseModel):
    """A "did you mean" choice."""

    faq_id: str
    title: str


class ChatOut(BaseModel):
    """The assistant's answer to one message."""

    session_id: str
    session_token: str | None = Field(default=None, description="Only on the first turn: send it back in "
                                                                 "X-Session-Token")
    message_id: int | None = Field(description="The bot message's id, for feedback")
    handoff_id: str | None
    status: str = Field(description="'bot', or 'human' while a person handles the conversation")
    action: str
    reply: str
    faq_id: str | None
    title: str | None
    candidates: list[Candidate]
    confidence: float
    language: str | None
    intent: str | None
    reasons: list[str]
    flags: list[str]
    options: list[Option]
    entities: list[dict[str, Any]]


class MessageOut(BaseModel):
    """One transcript message."""

    id: int
    role: str = Field(description="user, bot, agent or system")
    text: str
    created_at: str
    action: str | None = None
    faq_id: str | None = None
    title: str | None = None
    options: list[Option] | None = None
    handoff_id: str | None = None


class TranscriptOut(BaseModel):
    """A session's transcript in order."""

    session_id: str
    status: str
    messages: list[MessageOut]


class FeedbackIn(BaseModel):
    """A verdict on one bot answer."""

    model_config = ConfigDict(extra="forbid")

    message_id: int = Field(ge=1, le=MAX_ID)
    helpful: bool
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    """The stored verdict's id."""

    id: int


class HandoffRequestIn(BaseModel):
    """The user asks for a person; an optional note goes into the packet's transcript."""

    model_config = ConfigDict(extra="forbid")


class HandoffRequestOut(BaseModel):
    """The opened handoff and what the user is told."""

    handoff_id: str
    reply: str
    status: str


class ReloadOut(BaseModel):
    """The index now served."""

    index: str
    built_at: str
