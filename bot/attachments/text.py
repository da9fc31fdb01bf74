"""Text files (logs, copied error messages): decoded strictly, then every secret in them redacted.

The secret scanner is made for chat messages, so a long log is scanned in overlapping windows of whole lines:
any secret shorter than the overlap lies entirely inside at least one window, and the findings of all windows
are merged before the text is redacted once.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.attachments.errors import UnsupportedTypeError
from bot.attachments.sniff import accepted_types
from bot.errors import InputError
from bot.security.secrets import CRITICAL_KINDS, KINDS, SecretFinding, SecretScanner, redact

WINDOW_CHARS = 8000
OVERLAP_CHARS = 2000   # longer than any secret the scanner finds (a keystore object is under 1,000 characters)
# Control characters a log may legitimately hold: tab, line and page breaks, and ESC of terminal colours.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")
MAX_CONTROL_SHARE = 0.01


@dataclass
class RedactedText:
    """The text with secrets replaced by `[REDACTED:kind]` markers, and the kinds that were found."""

    text: str
    kinds: list[str]

    @property
    def critical(self) -> bool:
        """True when a seed phrase, private or extended key or keystore was removed."""
        return any(kind in CRITICAL_KINDS for kind in self.kinds)


def decode_text(data: bytes, kinds: Sequence[str]) -> str:
    """The file as text: UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark.

    Anything else, and binary data that happens to decode, is refused with UnsupportedTypeError."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise UnsupportedTypeError(
            f"the file is not {accepted_types(kinds)} we can read: if it is a text file, save it as UTF-8 and send "
            "it again") from None
    controls = sum(1 for ch in text if (ch < " " or ch == "\x7f") and ch not in _ALLOWED_CONTROLS)
    if "\x00" in text or controls > MAX_CONTROL_SHARE * len(text):
        raise UnsupportedTypeError(
            f"the file looks like binary data, not text: send {accepted_types(kinds)}; if it is a text file, save "
            "it as UTF-8 and send it again")
    if not text.strip():
        raise InputError("the text file is blank: send the file with the log or message in it")
    return text


def redact_text(text: str, scanner: SecretScanner) -> RedactedText:
    """`text` with every secret the scanner finds replaced by its marker."""
    findings: list[SecretFinding] = []
    for start, end in windows(text):
        for finding in scanner.scan(text[start:end]).findings:
            findings.append(SecretFinding(finding.kind, finding.start + start, finding.end + start))
    merged = merge_findings(findings)
    return RedactedText(redact(text, merged), sorted({finding.kind for finding in merged}))


def windows(text: str, size: int = WINDOW_CHARS, overlap: int = OVERLAP_CHARS) -> Iterator[tuple[int, int]]:
    """Spans [start, end) covering `text`, ending after a line break where possible, each starting at least
    `overlap` characters before the previous one ended (and at a line start where possible)."""
    start = 0
    while True:
        end = min(len(text), start + size)
        if end < len(text):
            newline = text.rfind("\n", start + size // 2, end)
            end = newline + 1 if newline != -1 else end
        yield start, end
        if end >= len(text):
            return
        following = end - overlap
        newline = text.rfind("\n", max(start + 1, following - size // 8), following)
        start = newline + 1 if newline != -1 else max(following, start + 1)


def merge_findings(findings: list[SecretFinding]) -> list[SecretFinding]:
    """Overlapping findings (the same secret seen from two windows, or two detectors) as one span, sorted; the
    span keeps the most severe kind."""
    def severity(kind: str) -> tuple[bool, int]:
        return kind not in CRITICAL_KINDS, KINDS.index(kind) if kind in KINDS else len(KINDS)

    merged: list[SecretFinding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, finding.kind, key=severity)
            merged[-1] = SecretFinding(kind, last.start, max(last.end, finding.end))
        else:
            merged.append(finding)
    return merged
