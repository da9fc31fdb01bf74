"""PDFs are kept as sent, but only when they are recognisably PDFs and carry no active content.

Active content is looked for in the file's own bytes and in every zlib-compressed stream: names are compared
after undoing `#xx` escapes (`/J#61vaScript` is `/JavaScript`) and end at PDF whitespace, NUL included. A
stream's dictionary is never trusted to say a stream is harmless: every stream whose data is zlib data is
unpacked, nested Flate layers too, except images, and even an "image" is unpacked when its first bytes read
like the object numbers an object stream starts with. What cannot be checked is refused: encrypted files,
object streams in another encoding or damaged, and files whose streams unpack beyond a fixed budget.

Every step is linear in the file's size (patterns with bounded repetition, each stream read once), so a small
crafted upload cannot keep a worker busy for long.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.errors import InputError

HEADER = re.compile(rb"\A%PDF-[12]\.\d")
TRAILER_WINDOW = 1024   # `%%EOF` must be within this many bytes of the end (what readers tolerate)
UNPACK_BUDGET = 64 * 1024 * 1024   # bytes of decompressed streams checked per file
READ_FACTOR = 8   # compressed bytes all unpacking together may read, per byte of the file (streams may overlap)
PEEK_BYTES = 4096   # decompressed bytes of an image looked at to tell it from a disguised object stream
_CHUNK = 64 * 1024
_WHITESPACE = b"\x00\t\n\f\r "
_END = rb"(?=[\x00\t\n\f\r ()<>\[\]{}/%]|\Z)"   # a name ends at whitespace, a delimiter or the end
ACTIVE = {b"JavaScript": "JavaScript", b"JS": "JavaScript", b"Launch": "a Launch action (runs programs)",
          b"EmbeddedFile": "embedded files", b"EmbeddedFiles": "embedded files",
          b"RichMedia": "rich media (Flash)"}
_FLATE = frozenset({b"FlateDecode", b"Fl"})
_OTHER_FILTERS = frozenset({b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85", b"LZWDecode", b"LZW",
                            b"RunLengthDecode", b"RL", b"Crypt"})
_OBJECT_KEYS = frozenset({b"ObjStm", b"First"})   # /First is required in, and only in, object streams
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Whitespace and comments; the two alternatives start differently, so matching never backtracks.
_SKIPPED = re.compile(rb"(?:[\x00\t\n\f\r ]|%[^\r\n]*)*")
# `N G obj` (bounded runs, so long digit or space runs cost linear time) or the `stream` keyword and its EOL.
_MARKS = re.compile(rb"(?P<obj>(?<![0-9])[0-9]{1,10}[\x00\t\n\f\r ]{1,64}[0-9]{1,5}[\x00\t\n\f\r ]{1,64}obj"
                    rb"(?![A-Za-z]))|(?P<stream>(?<!end)stream[\x00\t\f ]{0,64}(?:\r\n|\r|\n))")


def _name_pattern(names: Iterable[bytes]) -> re.Pattern[bytes]:
    """A pattern for `/name` tokens of `names`, each character written plainly or as a #xx escape."""
    def hex_digit(digit: str) -> str:
        return f"[{digit.lower()}{digit.upper()}]" if digit.isalpha() else digit

    def char(code: int) -> str:
        digits = f"{code:02X}"
        return f"(?:{re.escape(chr(code))}|#{hex_digit(digits[0])}{hex_digit(digits[1])})"

    spelled = ["".join(char(code) for code in name) for name in sorted(names, key=len, reverse=True)]
    return re.compile(b"/(" + "|".join(spelled).encode() + b")" + _END)


_ACTIVE_NAMES = {name: _name_pattern([name]) for name in ACTIVE}
_ENCRYPT = _name_pattern([b"Encrypt"])
_STRUCTURE = _name_pattern(_FLATE | _OTHER_FILTERS | _OBJECT_KEYS | {b"Image"})


@dataclass
class _Budget:
    """What unpacking may still spend: decompressed bytes, and compressed bytes read."""

    output: int
    reads: int

    def spend(self, produced: int, read: int) -> None:
        """Charge one step of unpacking; InputError once either allowance is used up."""
        self.output -= produced
        self.reads -= read
        if self.output < 0:
            raise InputError(f"the PDF unpacks to more than {UNPACK_BUDGET // (1024 * 1024)} MiB, too much to "
                             "check: send a smaller PDF or screenshots of the relevant pages")
        if self.reads < 0:
            raise InputError("the PDF's streams overlap in a way that cannot be checked: print it to a new PDF "
                             "(\"Save as PDF\") or send a screenshot instead")


def check_pdf(data: bytes) -> None:
    """Raise InputError saying what is wrong when `data` is not a complete PDF, is encrypted, or has active
    content (JavaScript, launch actions, embedded files, rich media); return quietly otherwise."""
    if not HEADER.match(data):
        raise InputError("the file starts like a PDF but has no valid header (%PDF-1.x): save or print it to PDF "
                         "again")
    if b"%%EOF" not in data[-TRAILER_WINDOW:]:
        raise InputError("the PDF is incomplete (no %%EOF at its end): it may have been cut off; send it again")
    if _ENCRYPT.search(data):
        raise InputError("the PDF is encrypted or password-protected, so it cannot be checked: send an "
                         "unprotected copy (print it to a new PDF) or a screenshot")
    found = _active(data)
    for unpacked in _unpacked_streams(data):
        found |= _active(unpacked)
    if found:
        raise InputError(f"the PDF contains active content ({', '.join(sorted(found))}), which is not accepted: "
                         "print it to a new PDF (\"Save as PDF\") or send a screenshot instead")


def _active(data: bytes) -> set[str]:
    """What the active-content names in `data` stand for (each name is searched once, at C speed)."""
    return {ACTIVE[name] for name, pattern in _ACTIVE_NAMES.items() if pattern.search(data)}


def _decoded(name: bytes) -> bytes:
    """A name with its #xx escapes undone."""
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name


def _unpacked_streams(data: bytes) -> Iterator[bytes]:
    """The decompressed content of every zlib stream that could hold objects or actions.

    A stream's dictionary is taken to be what lies between the preceding `obj` (or stream) and its `stream`
    keyword; these slices never overlap, so looking at them costs one pass over the file."""
    budget = _Budget(UNPACK_BUDGET, READ_FACTOR * len(data) + _CHUNK)
    view = memoryview(data)
    region_start = 0
    for mark in _MARKS.finditer(data):
        if mark.lastgroup == "stream":
            yield from _stream(view, mark.end(), data[region_start:mark.start()], budget)
        region_start = mark.end()


def _stream(view: memoryview, start: int, dictionary: bytes, budget: _Budget) -> Iterator[bytes]:
    """The unpacked layers of the stream starting at `start`; InputError when an object stream cannot be read."""
    names = {_decoded(match.group(1)) for match in _STRUCTURE.finditer(dictionary)}
    objects = bool(names & _OBJECT_KEYS)
    if not _zlib_header(view, start):
        if objects and names & _OTHER_FILTERS:
            raise InputError("the PDF stores objects in an encoding that cannot be checked: print it to a new "
                             "PDF (\"Save as PDF\") or send a screenshot instead")
        if objects and names & _FLATE:
            raise InputError("the PDF is damaged (an object stream cannot be read): save or print it to PDF again")
        return   # not compressed: its bytes were checked as part of the file
    if b"Image" in names and not objects and not _may_hold_objects(_peek(view, start)):
        return   # pixels: they cannot run, and unpacking them would only cost time
    unpacked = _inflate(view, start, budget)
    if unpacked is None and objects:
        raise InputError("the PDF is damaged (an object stream cannot be read): save or print it to PDF again")
    for _ in range(3):   # Flate applied more than once (/Filter [/Fl /Fl]) is unpacked as often
        if unpacked is None:
            return
        yield unpacked
        unpacked = _inflate(memoryview(unpacked), 0, budget) if _zlib_header(unpacked, 0) else None


def _zlib_header(data: bytes | memoryview, start: int) -> bool:
    """True when the two bytes at `start` are a valid zlib header (deflate, checksum of the pair)."""
    if start + 2 > len(data):
        return False
    method, flags = data[start], data[start + 1]
    return method & 0x0F == 8 and method >> 4 <= 7 and (method * 256 + flags) % 31 == 0


def _peek(view: memoryview, start: int) -> bytes:
    """The first decompressed bytes of a stream (empty when they cannot be read)."""
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(view[start + 2:start + 4 * PEEK_BYTES], PEEK_BYTES)
    except zlib.error:
        return b""


def _may_hold_objects(head: bytes) -> bool:
    """True unless `head` clearly does not start like an object stream, whose readers expect object numbers
    first (after whitespace and comments). A head of only whitespace and comments decides nothing."""
    first = _SKIPPED.match(head)
    following = head[first.end():first.end() + 1] if first else head[:1]
    return not following or following in b"0123456789+-."


def _inflate(view: memoryview, start: int, budget: _Budget) -> bytes | None:
    """The zlib data at `start` decompressed, read in chunks and charged to `budget`. Like lenient readers, the
    checksum at the end is not verified, and data that turns out to be damaged yields what was unpacked before
    the damage; None when nothing was."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)   # raw deflate after the 2-byte header: no checksum test
    pieces: list[bytes] = []
    position, damaged = start + 2, False
    while position < len(view) and not inflater.eof:
        chunk = view[position:position + _CHUNK]
        try:
            piece = inflater.decompress(chunk, budget.output + 1)
        except zlib.error:
            damaged = True
            break
        read = len(chunk) - len(inflater.unused_data) - len(inflater.unconsumed_tail)
        budget.spend(len(piece), read)
        pieces.append(piece)
        if not read:
            break
        position += read
    if damaged and not any(pieces):
        return None
    return b"".join(pieces)

