"""One call from uploaded bytes to what may be stored: recognise the type, then check and clean it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.attachments.errors import UnsupportedTypeError
from bot.attachments.images import clean_image
from bot.attachments.pdf import check_pdf
from bot.attachments.sniff import PDF, TEXT, FileType, accepted_types, sniff
from bot.attachments.text import decode_text, redact_text
from bot.config import AttachmentSettings
from bot.errors import PayloadTooLargeError
from bot.security.secrets import SecretScanner

_WHAT = {"image": "an image", "pdf": "a PDF", "text": "a text file"}


@dataclass
class CleanFile:
    """The bytes to store, their type, what cleaning removed (metadata blocks, or the kinds of secret redacted
    from text) and facts worth keeping (image size)."""

    data: bytes
    file_type: FileType
    removed: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


def clean(data: bytes, settings: AttachmentSettings, scanner: SecretScanner) -> CleanFile:
    """Recognise `data` by its content and return it cleaned; raise a 4xx error that says what to change."""
    kinds = list(settings.kinds)
    file_type = sniff(data, kinds) or TEXT
    if file_type.kind not in kinds:
        raise UnsupportedTypeError(f"this file is {_WHAT[file_type.kind]}, which is not accepted here: send "
                                   f"{accepted_types(kinds)}")
    if file_type is TEXT:
        if len(data) > settings.max_text_bytes:
            raise PayloadTooLargeError(f"the text file is {len(data)} bytes; text files may be up to "
                                       f"{settings.max_text_bytes} bytes: send the relevant part of the log")
        redacted = redact_text(decode_text(data, kinds), scanner)
        return CleanFile(redacted.text.encode("utf-8"), TEXT, redacted.kinds, redacted.kinds)
    if file_type is PDF:
        check_pdf(data)
        return CleanFile(data, PDF)
    image = clean_image(data, file_type, settings.max_pixels)
    return CleanFile(image.data, file_type, image.removed, facts={"width": image.width, "height": image.height})
