"""PDFs are stored as sent, but only complete ones without active content; what cannot be checked is refused."""

from __future__ import annotations

import pytest

from bot.attachments.pdf import check_pdf
from bot.errors import InputError
from tests.unit.attachments import CATALOG, flate_stream, pdf_bytes

JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert('hi')) >>"


def test_a_plain_pdf_passes():
    """A page with text, a compressed content stream and a go-to-page open action is fine."""
    content = flate_stream(b"<< >>", b"BT /F1 12 Tf 20 100 Td (Withdrawal receipt) Tj ET")
    goto = CATALOG[:-2] + b"/OpenAction [3 0 R /Fit] >>"
    check_pdf(pdf_bytes(content, catalog=goto))


@pytest.mark.parametrize(("objects", "catalog", "says"), [
    ((JS_ACTION,), CATALOG[:-2] + b"/OpenAction 5 0 R >>", "JavaScript"),
    ((), CATALOG[:-2] + b"/OpenAction << /S /JavaScript /JS (this.print()) >> >>", "JavaScript"),
    ((b"<< /S /JS /JS 6 0 R >>",), CATALOG, "JavaScript"),
    ((b"<< /Type /Action /S /Launch /F (cmd.exe) >>",), CATALOG, "Launch"),
    ((b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream",), CATALOG, "embedded files"),
    ((), CATALOG[:-2] + b"/Names << /EmbeddedFiles 5 0 R >> >>", "embedded files"),
    ((b"<< /Type /Action /S /J#61vaScr#69pt /JS (x) >>",), CATALOG, "JavaScript"),   # #xx escapes in names
    ((b"<< /Type /RichMedia >>",), CATALOG, "rich media"),
], ids=["openaction-ref", "openaction-inline", "js-key", "launch", "embedded-file", "embedded-files-tree",
        "escaped-name", "rich-media"])
def test_active_content_is_refused_saying_which(objects, catalog, says):
    """Each kind of active content is a 422 that names it and says how to send the document instead."""
    with pytest.raises(InputError, match="active content") as refused:
        check_pdf(pdf_bytes(*objects, catalog=catalog))
    assert says in str(refused.value) and "Save as PDF" in str(refused.value)


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    """Objects packed into a Flate object stream are unpacked and checked too."""
    packed = flate_stream(b"<< /Type /ObjStm /N 1 /First 4 >>", b"6 0 " + JS_ACTION)
    with pytest.raises(InputError, match="JavaScript"):
        check_pdf(pdf_bytes(packed, catalog=CATALOG[:-2] + b"/OpenAction 6 0 R >>"))


def test_object_streams_in_an_encoding_that_cannot_be_checked_are_refused():
    """An object stream behind another filter (here ASCIIHex) cannot be read here, so it is refused."""
    hidden = b"<< /Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode /Length 4 >>\nstream\n4142\nendstream"
    with pytest.raises(InputError, match="cannot be checked"):
        check_pdf(pdf_bytes(hidden))


def test_image_streams_are_not_unpacked():
    """Image data is skipped (it cannot run), so a large compressed image costs nothing to check."""
    image = flate_stream(b"<< /Type /XObject /Subtype /Image /Width 2000 /Height 2000 >>", bytes(12_000_000))
    check_pdf(pdf_bytes(image))


def test_unpacking_has_a_budget():
    """A stream that inflates beyond the budget (a zip bomb) is refused, not unpacked."""
    bomb = flate_stream(b"<< >>", bytes(70 * 1024 * 1024))
    with pytest.raises(InputError, match="unpacks to more than 64 MiB"):
        check_pdf(pdf_bytes(bomb))


@pytest.mark.parametrize(("data", "says"), [
    (b"%PDF-x.y\n1 0 obj << >> endobj\n%%EOF\n", "no valid header"),
    (pdf_bytes()[:-40], "incomplete"),
    (pdf_bytes(b"<< /Filter /Standard /V 2 >>").replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R"),
     "encrypted"),
], ids=["bad-header", "no-eof", "encrypted"])
def test_broken_or_encrypted_pdfs_are_refused(data, says):
    """No header, no %%EOF at the end, or encryption: a 422 that says which."""
    with pytest.raises(InputError, match=says):
        check_pdf(data)
