"""The type comes from the bytes: accepted signatures, refused programs and archives, and text by elimination."""

from __future__ import annotations

import pytest

from bot.attachments.errors import UnsupportedTypeError
from bot.attachments.sniff import JPEG, PDF, PNG, accepted_types, sniff
from bot.service.errors import status_for
from tests.unit.attachments import jpeg_with_exif, pdf_bytes, png_bytes

ALL = ["image", "pdf", "text"]


@pytest.mark.parametrize(("data", "expected"), [(png_bytes(), PNG), (jpeg_with_exif(), JPEG), (pdf_bytes(), PDF)],
                         ids=["png", "jpeg", "pdf"])
def test_accepted_types_are_recognised_by_their_signature(data, expected):
    """PNG, JPEG and PDF are known from their first bytes alone."""
    assert sniff(data, ALL) is expected


@pytest.mark.parametrize(("data", "what"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48), "Windows program"),
    (b"\x7fELF\x02\x01\x01" + bytes(9), "Linux program"),
    (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "macOS program"),
    (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
    (b"\x1f\x8b\x08\x00", "gzip archive"),
    (b"GIF89a\x01\x00\x01\x00", "GIF image"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP image"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "HEIC"),
], ids=["exe", "elf", "macho", "zip", "gzip", "gif", "webp", "heic"])
def test_other_files_are_refused_saying_what_they_are_and_what_is_accepted(data, what):
    """A program or archive is refused with 415 naming what it is and the accepted types."""
    with pytest.raises(UnsupportedTypeError) as refused:
        sniff(data, ALL)
    message = str(refused.value)
    assert what in message and "PNG or JPEG image" in message and "PDF" in message and "UTF-8" in message
    assert status_for(refused.value) == 415   # the service's one error-to-status mapping


@pytest.mark.parametrize("data", [b"hello", b"MZ is a postcode prefix, not a program", b"BMW", "日志".encode()])
def test_no_signature_means_maybe_text(data):
    """Without a known signature (a text that merely starts like "MZ" included) the bytes go on to the text check."""
    assert sniff(data, ALL) is None


def test_the_accepted_types_phrase_follows_the_settings():
    """Messages name only the kinds the service is configured to accept."""
    assert accepted_types(["image"]) == "a PNG or JPEG image"
    assert accepted_types(["image", "pdf"]) == "a PNG or JPEG image or a PDF"
    assert accepted_types(ALL) == "a PNG or JPEG image, a PDF or a plain-text file (UTF-8 or UTF-16)"
