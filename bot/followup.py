"""Resolve a reply to "did you mean ...?": a number, an ordinal word, yes/no, in the 12 languages."""

from __future__ import annotations

import re
import unicodedata

# Ordinal words per position (1-based), any language; matched as whole words (or substrings for CJK).
ORDINALS: dict[int, tuple[str, ...]] = {
    1: ("first", "1st", "primero", "primera", "primeiro", "primeira", "premier", "première", "erste", "ersten",
        "erster", "birinci", "ilki", "ilk", "первый", "первая", "первое", "первую", "الأول", "الاول", "الأولى",
        "第一", "一つ目", "1つ目", "一番目", "첫 번째", "첫번째", "첫째", "1번"),
    2: ("second", "2nd", "segundo", "segunda", "deuxième", "second", "zweite", "zweiten", "zweiter", "ikinci",
        "ikincisi", "второй", "вторая", "второе", "вторую", "الثاني", "الثانية", "第二", "二つ目", "2つ目", "二番目",
        "두 번째", "두번째", "둘째", "2번"),
    3: ("third", "3rd", "tercero", "tercera", "terceiro", "terceira", "troisième", "dritte", "dritten", "dritter",
        "üçüncü", "üçüncüsü", "третий", "третья", "третье", "третью", "الثالث", "الثالثة", "第三", "三つ目", "3つ目",
        "三番目", "세 번째", "세번째", "셋째", "3번"),
}
LAST = ("last", "último", "última", "dernier", "dernière", "letzte", "letzten", "sonuncu", "последний", "الأخير",
        "最后", "最後", "最後の", "마지막")
_NUMBER = re.compile(r"^\s*(?:#|no\.?|n[º°]|option)?\s*([1-9])\s*[.)]?\s*$", re.IGNORECASE)
_DIGIT_WORD = re.compile(r"(?<!\d)([1-9])(?!\d)")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def _contains(text: str, word: str) -> bool:
    if _CJK.search(word):
        return word in text
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def pick_option(text: str, count: int) -> int | None:
    """0-based index of the option a short reply points at ("2", "the second one", "第二个"), else None."""
    normalized = unicodedata.normalize("NFKC", text).strip().lower()
    if not normalized or len(normalized) > 40:
        return None  # a long message is a rephrasing, not a choice
    match = _NUMBER.match(normalized)
    if match:
        choice = int(match.group(1)) - 1
        return choice if choice < count else None
    for position, words in ORDINALS.items():
        if position <= count and any(_contains(normalized, w) for w in words):
            return position - 1
    if any(_contains(normalized, w) for w in LAST):
        return count - 1
    digits = _DIGIT_WORD.findall(normalized)
    if len(digits) == 1 and len(normalized.split()) <= 4:
        choice = int(digits[0]) - 1
        return choice if choice < count else None
    return None
