"""What a file is, decided from its first bytes only: never from its name or the client's Content-Type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.attachments.errors import UnsupportedTypeError


@dataclass(frozen=True)
class FileType:
    """A type the service accepts: its kind, the Content-Type it is served with, and the file-name endings
    that match it (the first one is added to names that lack a matching ending)."""

    kind: str   # image | pdf | text
    content_type: str
    extensions: tuple[str, ...]
    signature: bytes = b""


PNG = FileType("image", "image/png", (".png",), b"\x89PNG\r\n\x1a\n")
JPEG = FileType("image", "image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff")
PDF = FileType("pdf", "application/pdf", (".pdf",), b"%PDF-")
# Text has no signature (it is recognised by decoding) and is always stored re-encoded as UTF-8. Its endings
# are ones no system runs or renders as a page.
TEXT = FileType("text", "text/plain; charset=utf-8", (".txt", ".log"))
TYPES = (PNG, JPEG, PDF, TEXT)

_KIND_NAMES = {"image": "a PNG or JPEG image", "pdf": "a PDF", "text": "a plain-text file (UTF-8 or UTF-16)"}


def _starts(signature: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(signature)


def _iso_media(brands: tuple[bytes, ...]) -> Callable[[bytes], bool]:
    return lambda data: data[4:8] == b"ftyp" and data[8:12] in brands


# Common files people send by mistake, named so the user knows what was refused. Two-byte signatures also
# need a NUL byte early on, so a text file that happens to start with the same letters stays text.
_REFUSED: list[tuple[Callable[[bytes], bool], str]] = [
    (lambda data: data.startswith(b"MZ") and b"\x00" in data[2:64], "a Windows program"),
    (_starts(b"\x7fELF"), "a Linux program"),
    (lambda data: data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"), "a macOS program"),
    (_starts(b"PK\x03\x04"), "a ZIP archive (or an Office document)"),
    (_starts(b"\x1f\x8b"), "a gzip archive"),
    (_starts(b"7z\xbc\xaf\x27\x1c"), "a 7-Zip archive"),
    (_starts(b"Rar!\x1a\x07"), "a RAR archive"),
    (_starts(b"GIF8"), "a GIF image"),
    (lambda data: data[:4] == b"RIFF" and data[8:12] == b"WEBP", "a WebP image"),
    (lambda data: data[:4] in (b"II*\x00", b"MM\x00*"), "a TIFF image"),
    (_iso_media((b"heic", b"heix", b"mif1", b"msf1", b"avif")), "a HEIC/AVIF photo (export it as JPEG)"),
    (lambda data: data[4:8] == b"ftyp", "a video"),
    (_starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "an old Office document"),
]


def sniff(data: bytes, kinds: Sequence[str]) -> FileType | None:
    """The accepted type the bytes start like, or None when they carry no known signature (maybe text).

    Raises UnsupportedTypeError for files that are recognisably something else (programs, archives, ...);
    `kinds` (the accepted kinds) only shapes that message."""
    for file_type in TYPES:
        if file_type.signature and data.startswith(file_type.signature):
            return file_type
    for matches, what in _REFUSED:
        if matches(data):
            raise UnsupportedTypeError(f"this file is {what}, which is not accepted (whatever its name says): "
                                       f"send {accepted_types(kinds)}")
    return None


def accepted_types(kinds: Sequence[str]) -> str:
    """The accepted kinds as a phrase for messages: "a PNG or JPEG image, a PDF or a plain-text file (...)"."""
    names = [_KIND_NAMES[kind] for kind in kinds if kind in _KIND_NAMES]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
