"""Text must decode (UTF-8, UTF-8 or UTF-16 with a BOM); it is stored only after every secret is redacted."""

from __future__ import annotations

import codecs

import pytest
from mnemonic import Mnemonic

from bot.attachments.errors import UnsupportedTypeError
from bot.attachments.text import OVERLAP_CHARS, decode_text, redact_text, windows
from bot.errors import InputError
from tests.leaks import leaked_runs

KINDS = ["image", "pdf", "text"]
LOG_LINE = "2026-11-24T10:00:00Z INFO api request GET /v1/account 200 12ms\n"


SAMPLE = "提币没到账 ✓ ok"


@pytest.mark.parametrize("data", [
    SAMPLE.encode(), codecs.BOM_UTF8 + SAMPLE.encode(),
    codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
], ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be"])
def test_utf8_and_utf16_with_a_bom_decode(data):
    """The four accepted encodings give the same text, without the byte-order mark."""
    assert decode_text(data, KINDS) == SAMPLE


@pytest.mark.parametrize("data", ["café olé".encode("latin-1"), "提币".encode("gbk"), "no bom".encode("utf-16-le")],
                         ids=["latin-1", "gbk", "utf-16-without-bom"])
def test_other_encodings_are_a_415_asking_for_utf8(data):
    """Text in another encoding is refused with 415 and told to save it as UTF-8."""
    with pytest.raises(UnsupportedTypeError, match="save it as UTF-8"):
        decode_text(data, KINDS)


def test_binary_data_that_happens_to_decode_is_refused():
    """NUL bytes or many control characters mean binary, not text."""
    with pytest.raises(UnsupportedTypeError, match="binary"):
        decode_text(b"\x01\x02\x03\x04abc" * 10, KINDS)
    with pytest.raises(UnsupportedTypeError, match="binary"):
        decode_text(b"abc\x00def", KINDS)


def test_terminal_colours_and_tabs_are_text():
    """Escape sequences of coloured logs, tabs and CRLF line ends are ordinary log text."""
    assert decode_text(b"\x1b[31mERROR\x1b[0m\tfailed\r\n", KINDS).startswith("\x1b[31m")


def test_a_blank_file_is_a_422():
    """Only whitespace: nothing to send."""
    with pytest.raises(InputError, match="blank"):
        decode_text(b"  \n\t\n", KINDS)


def test_a_seed_phrase_in_a_short_text_is_redacted(scanner):
    """A generated 12-word phrase leaves no two consecutive words behind; the kind is reported."""
    phrase = Mnemonic("english").generate(128)
    redacted = redact_text(f"my wallet words are {phrase}\nUID 12345678", scanner)
    assert not leaked_runs(phrase.split(), redacted.text)
    assert redacted.kinds == ["seed_phrase"] and redacted.critical
    assert redacted.text == "my wallet words are [REDACTED:seed_phrase]\nUID 12345678"


@pytest.mark.parametrize("layout", ["spaces", "lines", "numbered"])
def test_seed_phrases_anywhere_in_a_long_log_are_redacted(scanner, layout):
    """Phrases placed at many offsets of a long log, across window boundaries, in three layouts, are all gone,
    and the rest of the log is unchanged."""
    wordlist = Mnemonic("english")
    phrases = [wordlist.generate(256 if n % 2 else 128) for n in range(7)]
    lines = [LOG_LINE] * 1500
    for n, phrase in enumerate(phrases):
        words = phrase.split()
        text = {"spaces": " ".join(words), "lines": "\n".join(words),
                "numbered": "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1))}[layout]
        lines.insert(37 + n * 190, f"backup: {text}\n")
    log = "".join(lines)
    redacted = redact_text(log, scanner)
    for phrase in phrases:
        assert not leaked_runs(phrase.split(), redacted.text), phrase
    assert redacted.text.count(LOG_LINE) == 1500


def test_labelled_private_keys_and_passwords_are_redacted(scanner):
    """Other secrets the chat guard knows are redacted from logs too."""
    key = "9f" * 32
    redacted = redact_text(f"{LOG_LINE}private key: {key}\n{LOG_LINE}my password is Hunter2!xyz\n", scanner)
    assert key not in redacted.text and "Hunter2!xyz" not in redacted.text
    assert {"private_key", "password"} <= set(redacted.kinds)


def test_windows_overlap_enough_for_any_secret():
    """Every span up to the overlap length lies inside one window, whatever the line lengths."""
    import random

    generator = random.Random(7)
    for _ in range(50):
        text = "".join(generator.choice(["\n", "x" * generator.randint(0, 3000), "ab"]) for _ in range(60))
        spans = list(windows(text))
        assert spans[0][0] == 0 and spans[-1][1] == len(text)
        for start in range(0, max(1, len(text) - OVERLAP_CHARS), 97):
            end = min(len(text), start + OVERLAP_CHARS)
            assert any(a <= start and end <= b for a, b in spans), (start, end)
