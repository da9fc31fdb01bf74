"""Schema checks shared by every knowledge-base source; each problem names its file and entry id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.kb.languages import is_known_language, normalise_language
from bot.kb.model import FaqEntry, Translation

ID_PATTERN = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")
KNOWN_FLAGS = frozenset({"sensitive", "handoff"})
ENTRY_KEYS = frozenset({"id", "category", "tags", "flags", "translations"})
TRANSLATION_KEYS = frozenset({"question", "alt_questions", "answer"})


@dataclass
class RawEntry:
    """An entry as parsed from a file, before validation; `position` counts entries (or rows) from 1."""

    source: str
    position: int
    data: dict[str, Any]


def _text_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    # YAML reads `429` or `2fa: x` unquoted as numbers; numbers are fine as text.
    if isinstance(value, list) and all(isinstance(item, str | int | float) and not isinstance(item, bool)
                                       for item in value):
        return [str(item).strip() for item in value if str(item).strip()]
    return None


def _check_translation(where: str, lang: str, value: Any, min_alts: int, problems: list[str]):
    if not isinstance(value, dict):
        problems.append(f"{where}: language {lang!r} must be a mapping with question, alt_questions, answer")
        return None
    unknown = set(value) - TRANSLATION_KEYS
    if unknown:
        problems.append(f"{where}: language {lang!r} has unknown field(s) {sorted(unknown)}")
    question = value.get("question")
    answer = value.get("answer")
    alts = _text_list(value.get("alt_questions"))
    ok = True
    if not isinstance(question, str) or not question.strip():
        problems.append(f"{where}: language {lang!r} has an empty or missing question")
        ok = False
    if not isinstance(answer, str) or not answer.strip():
        problems.append(f"{where}: language {lang!r} has an empty or missing answer")
        ok = False
    if alts is None:
        problems.append(f"{where}: language {lang!r}: alt_questions must be a list of strings")
        ok = False
    elif len(alts) < min_alts:
        problems.append(f"{where}: language {lang!r} has {len(alts)} alternate question(s), needs {min_alts}")
    if not ok or alts is None:
        return None
    assert isinstance(question, str) and isinstance(answer, str)
    return Translation(question=question.strip(), answer=answer.strip(), alt_questions=tuple(alts))


def _check_entry(raw: RawEntry, problems: list[str], required: list[str], min_alts: int) -> FaqEntry | None:
    data = raw.data
    entry_id = data.get("id")
    where = f"{raw.source}: {entry_id}" if isinstance(entry_id, str) else f"{raw.source}: entry #{raw.position}"
    before = len(problems)
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        problems.append(f"{where}: id {entry_id!r} must look like 'category.name' (lowercase, digits, _)")
        return None
    category = data.get("category") or entry_id.split(".")[0]
    if entry_id.split(".")[0] != category:
        problems.append(f"{where}: id must start with its category {category!r}")
    unknown = set(data) - ENTRY_KEYS
    if unknown:
        problems.append(f"{where}: unknown field(s) {sorted(unknown)}")
    tags, flags = _text_list(data.get("tags")), _text_list(data.get("flags"))
    if tags is None:
        problems.append(f"{where}: tags must be a list of strings")
    if flags is None or not set(flags) <= KNOWN_FLAGS:
        problems.append(f"{where}: flags must be a list drawn from {sorted(KNOWN_FLAGS)}, got {data.get('flags')!r}")
    translations_raw = data.get("translations")
    if not isinstance(translations_raw, dict) or not translations_raw:
        problems.append(f"{where}: needs a 'translations' mapping of language code to question and answer")
        return None
    translations: dict[str, Translation] = {}
    for code, value in translations_raw.items():
        lang = normalise_language(code)
        if not is_known_language(lang):
            problems.append(f"{where}: unknown language code {code!r}")
            continue
        translation = _check_translation(where, lang, value, min_alts, problems)
        if translation is not None:
            translations[lang] = translation
    missing = [lang for lang in required if lang not in translations_raw and lang not in translations]
    if missing:
        problems.append(f"{where}: missing required language(s) {missing}")
    if len(problems) > before:
        return None
    return FaqEntry(id=entry_id, category=category, translations=translations,
                    tags=tuple(tags or ()), flags=tuple(flags or ()), source=raw.source)


def validate_entries(
    raw_entries: list[RawEntry], problems: list[str], *, required_languages: list[str], min_alt_questions: int
) -> list[FaqEntry]:
    """Turn raw entries into FaqEntry objects, appending every problem found (duplicates included)."""
    seen: dict[str, str] = {}
    entries = []
    for raw in raw_entries:
        entry_id = raw.data.get("id")
        if isinstance(entry_id, str) and entry_id in seen:
            problems.append(f"{raw.source}: {entry_id}: duplicate id (first defined in {seen[entry_id]})")
            continue
        if isinstance(entry_id, str):
            seen[entry_id] = raw.source
        entry = _check_entry(raw, problems, required_languages, min_alt_questions)
        if entry is not None:
            entries.append(entry)
    return entries
