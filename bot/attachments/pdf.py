"""PDFs are kept as sent, but only when they are recognisably PDFs and carry no active content.

Active content is looked for in the file's own bytes and in every compressed stream that can hold objects
(object streams, content streams): names are compared after undoing `#xx` escapes, so `/J#61vaScript` is
`/JavaScript`. Image streams are skipped (pixels cannot run). What cannot be checked is refused: encrypted
files, object streams in an encoding other than Flate, and files that unpack to more than a fixed budget.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

from bot.errors import InputError

HEADER = re.compile(rb"\A%PDF-[12]\.\d")
TRAILER_WINDOW = 1024   # `%%EOF` must be within this many bytes of the end (what readers tolerate)
UNPACK_BUDGET = 64 * 1024 * 1024   # bytes of decompressed streams checked per file
# PDF name tokens: a slash, then anything up to whitespace or a delimiter.
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
_ENDSTREAM = re.compile(rb"\r?\n?endstream")
_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
ACTIVE = {b"JavaScript": "JavaScript", b"JS": "JavaScript", b"Launch": "a Launch action (runs programs)",
          b"EmbeddedFile": "embedded files", b"EmbeddedFiles": "embedded files",
          b"RichMedia": "rich media (Flash)"}


def check_pdf(data: bytes) -> None:
    """Raise InputError saying what is wrong when `data` is not a complete PDF, is encrypted, or has active
    content (JavaScript, launch actions, embedded files, rich media); return quietly otherwise."""
    if not HEADER.match(data):
        raise InputError("the file starts like a PDF but has no valid header (%PDF-1.x): save or print it to PDF "
                         "again")
    if b"%%EOF" not in data[-TRAILER_WINDOW:]:
        raise InputError("the PDF is incomplete (no %%EOF at its end): it may have been cut off; send it again")
    names = set(_names(data))
    if b"Encrypt" in names:
        raise InputError("the PDF is encrypted or password-protected, so it cannot be checked: send an "
                         "unprotected copy (print it to a new PDF) or a screenshot")
    for chunk in _unpacked_streams(data):
        names.update(_names(chunk))
    found = sorted({ACTIVE[name] for name in names if name in ACTIVE})
    if found:
        raise InputError(f"the PDF contains active content ({', '.join(found)}), which is not accepted: print it "
                         "to a new PDF (\"Save as PDF\") or send a screenshot instead")


def _names(data: bytes) -> Iterator[bytes]:
    for match in _NAME.finditer(data):
        name = match.group(1)
        yield _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name


def _unpacked_streams(data: bytes) -> Iterator[bytes]:
    """The decompressed content of every Flate stream that could hold objects or actions."""
    budget = UNPACK_BUDGET
    for match in _STREAM.finditer(data):
        start = match.end()
        if data[match.start() - 3:match.start()] == b"end":   # the `stream` inside `endstream`
            continue
        dictionary = _dictionary_before(data, match.start())
        holds_objects = b"/ObjStm" in dictionary
        if b"/Image" in dictionary and not holds_objects:
            continue
        end = _ENDSTREAM.search(data, start)
        raw = data[start:end.start() if end else len(data)]
        filters = [name for name in _names(dictionary) if name.endswith(b"Decode") or name in (b"Fl", b"AHx")]
        if not filters:
            continue   # unencoded: its bytes were already checked as part of the file
        if filters != [b"FlateDecode"] and filters != [b"Fl"]:
            if holds_objects:
                raise InputError("the PDF stores objects in an encoding that cannot be checked: print it to a new "
                                 "PDF (\"Save as PDF\") or send a screenshot instead")
            continue   # an image or font filter: nothing that runs
        unpacked = _inflate(raw, budget)
        if unpacked is None:
            if holds_objects:
                raise InputError("the PDF is damaged (an object stream cannot be read): save or print it to PDF "
                                 "again")
            continue
        budget -= len(unpacked)
        yield unpacked


def _dictionary_before(data: bytes, stream_start: int) -> bytes:
    """The stream's dictionary: the bytes from the `N G obj` that opens it up to `stream`."""
    window_start = max(0, stream_start - 4096)
    window = data[window_start:stream_start]
    openers = list(_OBJ.finditer(window))
    return window[openers[-1].end():] if openers else window


def _inflate(raw: bytes, budget: int) -> bytes | None:
    """`raw` decompressed, None when it is not valid zlib data; InputError beyond the unpacking budget."""
    inflater = zlib.decompressobj()
    try:
        unpacked = inflater.decompress(raw, budget + 1)
    except zlib.error:
        return None
    if len(unpacked) > budget:
        raise InputError(f"the PDF unpacks to more than {UNPACK_BUDGET // (1024 * 1024)} MiB, too much to check: "
                         "send a smaller PDF or screenshots of the relevant pages")
    return unpacked
