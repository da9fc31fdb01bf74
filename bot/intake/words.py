"""Recognise cancel, skip, correction and yes/no words in the 12 languages (`words.yaml`, plus the examples of
intents/affirm.yaml and deny.yaml). Every list is compiled once into one regular expression."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.yamlio import load_yaml
from intents.definitions import INTENTS_DIR

WORDS_FILE = Path(__file__).parent / "words.yaml"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_EDGE_NOISE = re.compile(r"^[\W_]+|[\W_]+$")
SHORT_WORDS = 7   # cancel and skip are commands only in short messages
SHORT_CJK_CHARS = 14


def normalise(text: str) -> str:
    """NFKC, lower case, single spaces, no punctuation or emoji at either end."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _EDGE_NOISE.sub("", " ".join(folded.split()))


def is_short(text: str) -> bool:
    """True for a message short enough to be a command ("cancel", "skip") rather than a sentence."""
    if _CJK.search(text):
        return len(text.replace(" ", "")) <= SHORT_CJK_CHARS
    return len(text.split()) <= SHORT_WORDS


def word_pattern(word: str) -> re.Pattern[str]:
    """A compiled search for `word` as a whole word (a substring for Chinese, Japanese, Korean)."""
    return re.compile(_phrase_pattern(word))


def _phrase_pattern(phrase: str) -> str:
    prefix = phrase.endswith("*")
    body = re.escape(phrase.rstrip("*").strip())
    if _CJK.search(phrase):
        return body
    return rf"(?<!\w){body}" + ("" if prefix else r"(?!\w)")


def _compile(phrases: set[str], *, anchored: bool, lead: str = "") -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    alternation = "|".join(_phrase_pattern(p) for p in ordered) or r"(?!x)x"
    return re.compile(("^" + lead if anchored else "") + f"(?:{alternation})")


def _intent_examples(name: str) -> set[str]:
    path = INTENTS_DIR / f"{name}.yaml"
    if not path.exists():
        return set()
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return {normalise(str(text)) for texts in (data.get("examples") or {}).values() for text in texts} - {""}


@dataclass(frozen=True)
class WordLists:
    """Compiled matchers for each category; see the module docstring."""

    cancel: re.Pattern[str]
    skip: re.Pattern[str]
    skip_exact: frozenset[str]
    correction: re.Pattern[str]
    affirm_exact: frozenset[str]
    deny_exact: frozenset[str]
    affirm_start: re.Pattern[str]
    deny_start: re.Pattern[str]

    def cancels(self, text: str) -> bool:
        """A short message that starts with a request to stop, after at most one word ("cancel", "ok never
        mind", "算了吧"); "it says stop" is an answer, not a command."""
        norm = normalise(text)
        return is_short(norm) and self.cancel.search(norm) is not None

    def skips(self, text: str, *, whole: bool = False) -> bool:
        """'I don't know' / 'skip' (in a short message), or a message that is only 'no' / 'none'. With `whole`
        (free-text questions, where "知らないログイン" is an answer) the message must be nothing but the phrase."""
        norm = normalise(text)
        if norm in self.skip_exact:
            return True
        if whole:
            return self.skip.fullmatch(norm) is not None
        return is_short(norm) and self.skip.search(norm) is not None

    def corrects(self, text: str) -> bool:
        """The message contains a correction word ("no", "actually", "change", "不是", "cambia", ...)."""
        return self.correction.search(normalise(text)) is not None

    def yes_no(self, text: str) -> bool | None:
        """True for a confirmation, False for a rejection (checked first: "not ok" is no), None otherwise."""
        norm = normalise(text)
        if norm in self.deny_exact:
            return False
        if norm in self.affirm_exact:
            return True
        if self.deny_start.search(norm):
            return False
        if self.affirm_start.search(norm):
            return True
        return None


def _strings(values: object, where: str) -> set[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{WORDS_FILE.name}: {where}: must be a list of strings (quote yes/no/on/off)")
    return {normalise(v) if not v.endswith("*") else normalise(v[:-1]) + "*" for v in values} - {""}


@cache
def word_lists() -> WordLists:
    """The shipped word lists, compiled once."""
    data = load_yaml(WORDS_FILE.read_text(encoding="utf-8"))
    merged: dict[str, set[str]] = {}
    for category, by_language in data.items():
        merged[category] = set()
        for language, values in by_language.items():
            merged[category] |= _strings(values, f"{category}.{language}")
    affirm = merged["affirm"] | _intent_examples("affirm")
    deny = merged["deny"] | _intent_examples("deny")
    short_affirm = {p for p in affirm if len(p) <= 12}
    short_deny = {p for p in deny if len(p) <= 12}
    return WordLists(
        cancel=_compile(merged["cancel"], anchored=True, lead=r"(?:[^\s]+\s+)?"),
        skip=_compile(merged["skip"], anchored=False),
        skip_exact=frozenset(merged["skip_exact"]), correction=_compile(merged["correction"], anchored=False),
        affirm_exact=frozenset(affirm), deny_exact=frozenset(deny),
        affirm_start=_compile(short_affirm, anchored=True), deny_start=_compile(short_deny, anchored=True))
