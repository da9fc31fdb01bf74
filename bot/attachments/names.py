"""File names: what the user called the file, made safe to show and to offer for download.

A name is only ever a label: it never decides the type and never appears in a storage path.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from bot.attachments.sniff import FileType

MAX_NAME_CHARS = 120
_SPACES = re.compile(r"\s+")
_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9 ._()\-\[\]]')


def display_name(raw: str | None, file_type: FileType) -> str:
    """The last path component of `raw`, without control or invisible characters, at most MAX_NAME_CHARS long,
    ending in an extension that matches the content (added when the name's own does not: "x.pdf" holding a PNG
    becomes "x.pdf.png"); "attachment.<ext>" when nothing usable is left."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _SPACES.sub(" ", name).strip(" .")
    extension = file_type.extensions[0]
    if not name.lower().endswith(file_type.extensions):
        name = f"{name}{extension}" if name else f"attachment{extension}"
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ending = name.rpartition(".")
        name = stem[:MAX_NAME_CHARS - len(ending) - 1].rstrip(" .") + dot + ending
    return name


def content_disposition(name: str) -> str:
    """A `Content-Disposition: attachment` value: an ASCII fallback name and the exact UTF-8 name (RFC 6266)."""
    decomposed = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    ascii_name = _UNSAFE_ASCII.sub("_", decomposed).strip(" .") or "attachment"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
