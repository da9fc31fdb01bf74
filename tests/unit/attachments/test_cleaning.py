"""From uploaded bytes to what is stored: the content picks the path; settings decide what is accepted."""

from __future__ import annotations

import pytest

from bot.attachments.cleaning import clean
from bot.attachments.errors import UnsupportedTypeError
from bot.attachments.sniff import JPEG, PDF, PNG, TEXT
from bot.config import AttachmentSettings
from bot.errors import PayloadTooLargeError
from tests.unit.attachments import jpeg_with_exif, pdf_bytes, png_bytes


@pytest.mark.parametrize(("data", "file_type"), [(png_bytes(), PNG), (jpeg_with_exif(), JPEG), (pdf_bytes(), PDF),
                                                 (b"plain log line\n", TEXT)], ids=["png", "jpeg", "pdf", "text"])
def test_each_kind_takes_its_path(limits, scanner, data, file_type):
    """Images are re-encoded (with their size noted), PDFs kept byte for byte, text re-encoded as UTF-8."""
    cleaned = clean(data, limits, scanner)
    assert cleaned.file_type is file_type
    if file_type is PDF:
        assert cleaned.data == data
    if file_type.kind == "image":
        assert set(cleaned.facts) == {"width", "height"}


def test_kinds_the_settings_leave_out_are_a_415(scanner):
    """With only images accepted, a PDF and a text file are refused, naming what is accepted."""
    images_only = AttachmentSettings(kinds=["image"])
    for data in (pdf_bytes(), b"log"):
        with pytest.raises(UnsupportedTypeError, match=r"send a PNG or JPEG image$"):
            clean(data, images_only, scanner)


def test_text_has_its_own_size_limit(scanner):
    """Text is scanned for secrets, so it has a smaller limit than other files."""
    with pytest.raises(PayloadTooLargeError, match="text files may be up to 100 bytes"):
        clean(b"a" * 101, AttachmentSettings(max_text_bytes=100), scanner)
