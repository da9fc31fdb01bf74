"""`kb promote`: add a user's question to an entry's alternate questions, editing the YAML file in place.

The file is edited with ruamel.yaml's round-trip mode, so comments, quoting, block scalars and key order
stay as the author wrote them. The indentation style is the first of a few common ones under which the edit
touches nothing but the entry's `alt_questions` (an added line in a block list, the grown line of a flow
list); when none does, nothing is written and the author is told to add the line by hand.
"""

from __future__ import annotations

import difflib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import InputError, KnowledgeBaseError
from bot.kb.languages import is_known_language, normalise_language
from bot.kb.loader import load_knowledge_base
from bot.kb.model import KnowledgeBase

MAX_CHARS = 300
# (mapping, sequence, offset) indentation styles tried in turn; the shipped files use the first.
INDENT_STYLES = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 4, 0))


@dataclass(frozen=True)
class Promotion:
    """What was written: the file, the entry, the language, the question and the new number of alternates."""

    path: Path
    entry_id: str
    language: str
    question: str
    alternates: int


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _check_request(kb: KnowledgeBase, question: str, entry_id: str, language: str) -> None:
    """Refuse unknown entries and languages, and questions the knowledge base already has."""
    entry = kb.entries.get(entry_id)
    if entry is None:
        close = difflib.get_close_matches(entry_id, list(kb.entries), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `python -m bot kb check` lists the entries"
        raise InputError(f"no entry {entry_id!r} in the knowledge base{hint}")
    if language not in entry.translations:
        raise InputError(f"entry {entry_id} has no {language!r} translation (it has {', '.join(entry.translations)})"
                         f"; write that translation first, or promote the question in one of those languages")
    wanted = _key(question)
    translation = entry.translations[language]
    if wanted == _key(translation.question):
        raise InputError(f"that is already the {language} question of {entry_id}")
    if wanted in {_key(alt) for alt in translation.alt_questions}:
        raise InputError(f"that is already an alternate question of {entry_id} [{language}]")
    for other in kb:
        found = other.translations.get(language)
        if other.id != entry_id and found and wanted in {_key(q) for q in found.questions()}:
            raise InputError(f"that question already belongs to entry {other.id} [{language}]; the two entries "
                             "would compete for it: edit or remove it there first")


def _yaml(style: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    yaml.width = 4096   # never re-wrap long lines
    mapping, sequence, offset = style
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _confined(before: str, after: str, span: tuple[int, int] | None) -> bool:
    """True when `after` differs from `before` only by inserted lines, or (with `span`, 0-based original lines
    [start, end)) only inside that span: a flow list grows on its own line."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal" or (tag == "insert" and span is None):
            continue
        if span is None or i1 < span[0] or i2 > span[1]:
            return False
    return True


def _alternates_span(node: Any) -> tuple[int, int] | None:
    """The original lines of the `alt_questions` key and its value, up to the next key of the translation."""
    if "alt_questions" not in node:
        return None
    start = node.lc.key("alt_questions")[0]
    later = [node.lc.key(key)[0] for key in node if node.lc.key(key)[0] > start]
    return start, min(later) if later else start + 1 + len(node["alt_questions"])


def _translation_node(data: Any, entry_id: str, language: str, path: Path) -> Any:
    for item in data.get("entries") or []:
        if isinstance(item, dict) and item.get("id") == entry_id:
            for code, node in (item.get("translations") or {}).items():
                if normalise_language(code) == language:
                    return node
    raise InputError(f"{path.name}: entry {entry_id} [{language}] not found in the file")


def edit_text(text: str, entry_id: str, language: str, question: str, path: Path) -> str:
    """The file's text with `question` appended to the entry's alternates, formatting and comments kept."""
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.error import YAMLError

    for style in INDENT_STYLES:
        yaml = _yaml(style)
        try:
            data = yaml.load(text)
        except YAMLError as exc:
            raise InputError(f"{path.name}: cannot parse the YAML ({exc})") from None
        node = _translation_node(data, entry_id, language, path)
        span = _alternates_span(node)
        alternates = node.get("alt_questions")
        if alternates is None:
            alternates = node["alt_questions"] = CommentedSeq()
        alternates.append(question)
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        if _confined(text, buffer.getvalue(), span):
            return buffer.getvalue()
    raise InputError(f"{path.name}: the file cannot be edited without reformatting other lines; add the "
                     f"question to {entry_id} [{language}] by hand")


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.promote.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def promote_question(kb_path: Path, question: str, entry_id: str, language: str) -> Promotion:
    """Add `question` to the alternate questions of `entry_id` in `language` in its YAML file.

    Raises InputError (nothing written) for an empty or overlong question, an unknown language or entry, a
    language the entry lacks, or a question the knowledge base already has; KnowledgeBaseError when the
    knowledge base does not load (fix it first).
    """
    question = " ".join(str(question).split())
    if not question:
        raise InputError("the question is empty")
    if len(question) > MAX_CHARS:
        raise InputError(f"the question is {len(question)} characters long; alternate questions are short "
                         f"(at most {MAX_CHARS})")
    language = normalise_language(language)
    if not is_known_language(language):
        raise InputError(f"unknown language code {language!r} (use codes such as en, zh-CN, pt)")
    kb_path = Path(kb_path)
    if kb_path.suffix.lower() in {".jsonl", ".csv"}:
        raise InputError(f"{kb_path.name} is a help-centre export; promotion edits YAML knowledge bases")
    kb = load_knowledge_base(kb_path, required_languages=[], min_alt_questions=0)
    _check_request(kb, question, entry_id, language)
    path = kb_path / kb.entries[entry_id].source if kb_path.is_dir() else kb_path
    original = path.read_text(encoding="utf-8")
    edited = edit_text(original, entry_id, language, question, path)
    _write(path, edited)
    try:
        after = load_knowledge_base(kb_path, required_languages=[], min_alt_questions=0)
    except KnowledgeBaseError:
        _write(path, original)
        raise
    count = len(after.entries[entry_id].translations[language].alt_questions)
    return Promotion(path=path, entry_id=entry_id, language=language, question=question, alternates=count)
