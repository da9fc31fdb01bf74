"""Regressions found in review: PDF checks that could be bypassed or kept a worker busy for minutes, two uploads
at once passing the per-conversation limit, ids PostgreSQL cannot compare, and Pillow's object reprs in 422s."""

from __future__ import annotations

import binascii
import contextlib
import io
import threading
import time
import zlib

import pytest
from PIL import Image
from sqlalchemy import event

from bot.attachments.benchmark import log_with_seed_phrase, phone_jpeg
from bot.attachments.cleaning import clean
from bot.attachments.images import _fresh_pixels, clean_image
from bot.attachments.pdf import check_pdf
from bot.attachments.service import AttachmentService
from bot.attachments.sniff import PNG
from bot.config import AttachmentSettings
from bot.errors import InputError, NotFoundError, PayloadTooLargeError
from bot.security.secrets import SecretScanner
from bot.storage.attachments import AttachmentRecord, AttachmentStore
from bot.storage.conversations import ConversationStore
from bot.storage.handoffs import HandoffStore
from bot.storage.models import utcnow
from tests.unit.attachments import CATALOG, flate_stream, pdf_bytes
from tests.unit.storage import DATABASES, migrated_database

JS = b"6 0 << /S /JavaScript /JS (app.alert(1)) >>"
OPENS_6 = CATALOG[:-2] + b"/OpenAction 6 0 R >>"


def _stream(dictionary: bytes, raw: bytes, eol: bytes = b"\n") -> bytes:
    """A stream object body with `raw` as its data, exactly as given (no filter applied here)."""
    return dictionary[:-2] + f"/Length {len(raw)} >>".encode() + b"\nstream" + eol + raw + b"\nendstream"


def _bad_checksum(data: bytes) -> bytes:
    packed = bytearray(zlib.compress(data))
    packed[-1] ^= 0xFF
    return bytes(packed)


# --- PDFs: active content the checker used to miss --------------------------------------------------------


@pytest.mark.parametrize("hidden", [
    _stream(b"<< /Type /ObjStm /Filter /FlateDecode /N 1 /First 4 /Pad (" + b"x" * 5000 + b") >>",
            zlib.compress(JS)),
    _stream(b"<< /Subtype /Image /Filter /FlateDecode /N 1 /First 4 >>", zlib.compress(JS)),
    _stream(b"<< /Type /Obj#53tm /Subtype /Image /Filter /FlateDecode /N 1 /First 4 >>", zlib.compress(JS)),
    _stream(b"<< /Subtype /Image /Width 9 /Filter /FlateDecode >>", zlib.compress(JS)),
    _stream(b"<< /Type /ObjStm /Filter /FlateDecode /N 1 /First 4 /X (9 0 obj) >>", zlib.compress(JS)),
    _stream(b"<< /Type /ObjStm /Filter /FlateDecode /N 1 /First 4 >>", zlib.compress(JS), eol=b"\r"),
    _stream(b"<< /Type /ObjStm /Filter /FlateDecode /N 1 /First 4 >>", zlib.compress(JS), eol=b"  \n"),
    _stream(b"<< /Subtype /Image /Filter /FlateDecode /N 1 /First 4 >>", _bad_checksum(JS)),
    _stream(b"<< /Type /ObjStm /Filter [/FlateDecode /FlateDecode] /N 1 /First 4 >>",
            zlib.compress(zlib.compress(JS))),
    flate_stream(b"<< /Type /ObjStm /N 1 /First 4 >>", b"6 0 << /S\x00/JavaScript\x00/JS\x00(x) >>"),
    b"<< /S /JavaScript\x00/JS\x00(app.alert(1)) >>",
], ids=["long-dictionary", "object-stream-called-image", "escaped-type-and-image", "image-that-starts-like-objects",
        "fake-obj-inside-dictionary", "cr-after-stream", "spaces-after-stream", "bad-checksum", "double-flate",
        "nul-after-names-packed", "nul-after-names-plain"])
def test_javascript_is_found_however_the_stream_is_disguised(hidden):
    """Readers run these; each was accepted before: a dictionary longer than the look-back window, an object
    stream that calls itself an image, names ended by NUL (PDF whitespace), `stream` followed by CR alone or
    spaces, a wrong Adler-32 (readers ignore it), Flate applied twice."""
    with pytest.raises(InputError, match="active content \\(JavaScript\\)"):
        check_pdf(pdf_bytes(hidden, catalog=OPENS_6))


def test_an_object_stream_in_another_encoding_is_refused_without_a_type():
    """/First marks an object stream even when /Type /ObjStm is left out: hex-encoded, it cannot be checked."""
    hidden = _stream(b"<< /Filter /ASCIIHexDecode /N 1 /First 4 >>", binascii.hexlify(JS) + b">")
    with pytest.raises(InputError, match="encoding that cannot be checked"):
        check_pdf(pdf_bytes(hidden, catalog=OPENS_6))


def test_real_images_and_unpacked_streams_still_pass():
    """Pixel data that happens to hold "/JS" is not read as a name; a plain content stream is fine."""
    pixels = bytes(range(256)) * 64 + b"\xff/JS (" + bytes(100)
    image = flate_stream(b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 >>", pixels)
    check_pdf(pdf_bytes(image))


@pytest.mark.parametrize(("body", "most_seconds"), [
    (b"<< /X [" + b"stream\n" * 300_000 + b"] >>", 10),
    (flate_stream(b"<< /Type /ObjStm /N 1 /First 4 >>", b"/a" * (30 * 1024 * 1024)), 10),
    (b"<< /X [" + b"1" * 2_000_000 + b"] >>", 5),
], ids=["many-stream-keywords", "names-bomb", "digit-run"])
def test_crafted_pdfs_are_checked_in_linear_time(body, most_seconds):
    """2 MB of `stream` keywords took minutes (each searched to the end of the file for `endstream`); 60 MB of
    tiny names unpacked from 60 KB took 30 s (a Python object per name). Now seconds at most."""
    started = time.monotonic()
    check_pdf(pdf_bytes(body))
    assert time.monotonic() - started < most_seconds


# --- images -------------------------------------------------------------------------------------------------


def test_an_undecodable_image_is_explained_without_pillow_reprs():
    """The 422 said "cannot identify image file <_io.BytesIO object at 0x7f...>"."""
    with pytest.raises(InputError) as refused:
        clean_image(PNG.signature + b"\x00" * 20, PNG, 1_000_000)
    assert "cannot identify image file)" in str(refused.value) and " at 0x" not in str(refused.value)


def test_intermediate_images_are_released_while_cleaning():
    """The original, the turned copy and the converted copy used to live until the end: with a 40-megapixel
    limit that is four copies of the pixels per upload. Each is now closed once the next exists."""
    original = Image.new("P", (4, 2))
    original.info["transparency"] = 0
    fresh = _fresh_pixels(original, ("RGB", "RGBA"))
    assert fresh.mode == "RGBA" and fresh.info == {}
    with pytest.raises(ValueError, match="closed"):
        original.load()


# --- storage and lookups ------------------------------------------------------------------------------------


def _record(session_id: str) -> AttachmentRecord:
    return AttachmentRecord(id=f"{threading.get_ident():032x}"[-32:], session_id=session_id, handoff_id=None,
                            kind="text", content_type="text/plain; charset=utf-8", size=1, sha256="0" * 64,
                            storage_key="ab/" + "0" * 32, filename="a.txt", created_at=utcnow())


@pytest.mark.parametrize("kind", DATABASES)
def test_two_uploads_at_once_cannot_both_take_the_last_place(kind, tmp_path):
    """Both transactions counted 0 files before either inserted (SQLite ignores FOR UPDATE), so a limit of 1
    let 2 in. Each now holds the session row's write lock before counting."""
    with migrated_database(kind, tmp_path) as database:
        session, _ = ConversationStore(database).create_session()
        store = AttachmentStore(database)
        counted = threading.Barrier(2, timeout=1.5)

        @event.listens_for(database.engine, "after_cursor_execute")
        def wait_for_the_other(_conn, _cursor, statement, *_args) -> None:
            if "count(attachments.id)" in statement:
                # With the lock, the other upload is blocked before counting and never arrives.
                with contextlib.suppress(threading.BrokenBarrierError):
                    counted.wait()

        outcomes: list[str] = []

        def add() -> None:
            try:
                store.add(_record(session.id), max_per_session=1)
                outcomes.append("stored")
            except PayloadTooLargeError:
                outcomes.append("413")

        threads = [threading.Thread(target=add) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["413", "stored"] and store.count(session.id) == 1


@pytest.mark.parametrize("kind", DATABASES)
def test_ids_the_service_never_made_are_unknown_without_a_query(kind, tmp_path):
    """A NUL byte in an attachment or handoff id made PostgreSQL raise (a 500); such ids are now a 404."""
    with migrated_database(kind, tmp_path) as database:
        conversations = ConversationStore(database)
        service = AttachmentService(AttachmentSettings(), _NoStorage(), AttachmentStore(database), conversations,
                                    HandoffStore(database), SecretScanner, exchange_name="Kestrel",
                                    default_language="en")
        session, _ = conversations.create_session()
        for attachment_id in ("\x00", "a\x00b", "x" * 36, "ABCDEF00-0000-0000-0000-000000000000"):
            with pytest.raises(NotFoundError, match="does not exist"):
                service.open_for_user(session.id, attachment_id)
        for handoff_id in ("\x00", "h" * 5000):
            with pytest.raises(NotFoundError, match="does not exist") as unknown:
                service.open_for_agent(handoff_id, "00000000-0000-0000-0000-000000000000")
            assert len(str(unknown.value)) < 100


class _NoStorage:
    """Storage that must not be reached."""

    def put(self, key: str, data: bytes) -> None:
        raise AssertionError("no storage expected")

    def get(self, key: str) -> bytes:
        raise AssertionError("no storage expected")

    def delete(self, key: str) -> None:
        raise AssertionError("no storage expected")


def test_the_benchmarks_inputs_are_what_they_claim():
    """The generated photo carries EXIF orientation and GPS (so cleaning has work to do) and the log holds a
    seed phrase that cleaning removes."""
    photo = Image.open(io.BytesIO(phone_jpeg(64, 48)))
    assert photo.getexif()[0x0112] == 6 and 0x8825 in photo.getexif()
    scanner = SecretScanner()
    scanner.warm_up()
    cleaned = clean(log_with_seed_phrase(20_000), AttachmentSettings(), scanner)
    assert "seed_phrase" in cleaned.secrets
