"""Load a knowledge base from a folder of YAML files, or from a JSONL/CSV help-centre export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.errors import KnowledgeBaseError
from bot.kb.importers import read_export
from bot.kb.model import KnowledgeBase
from bot.kb.validate import RawEntry, validate_entries
from bot.yamlio import load_yaml


def _yaml_entries(path: Path, problems: list[str]) -> list[RawEntry]:
    try:
        data: Any = load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problems.append(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(f"{path.name}: malformed YAML{where}: {getattr(exc, 'problem', exc)}")
        return []
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        problems.append(f"{path.name}: expected a mapping with 'category' and a list 'entries'")
        return []
    category = data.get("category")
    if category != path.stem:
        problems.append(f"{path.name}: category {category!r} must match the file name {path.stem!r}")
    raw = []
    for position, item in enumerate(data["entries"], start=1):
        if not isinstance(item, dict):
            problems.append(f"{path.name}: entry #{position} is not a mapping")
            continue
        raw.append(RawEntry(source=path.name, position=position, data={"category": category, **item}))
    return raw


def load_knowledge_base(
    path: Path | str,
    *,
    required_languages: list[str] | None = None,
    min_alt_questions: int = 0,
) -> KnowledgeBase:
    """Load and validate a knowledge base; raise KnowledgeBaseError listing every problem.

    `path` is a folder of `<category>.yaml` files, a single YAML file, or a `.jsonl` / `.csv` export.
    Required languages and the alternate-question minimum apply to YAML sources; exports need at least
    one language per entry, since help centres are rarely fully translated.
    """
    source = Path(path)
    problems: list[str] = []
    if not source.exists():
        raise KnowledgeBaseError([f"{source}: no such file or folder"])
    if source.suffix.lower() in {".jsonl", ".csv"}:
        raw = read_export(source, problems)
        required, min_alts = [], 0
    else:
        files = sorted(source.glob("*.yaml")) if source.is_dir() else [source]
        if not files:
            raise KnowledgeBaseError([f"{source}: no .yaml files found"])
        raw = [entry for file in files for entry in _yaml_entries(file, problems)]
        required, min_alts = list(required_languages or []), min_alt_questions
    entries = validate_entries(raw, problems, required_languages=required, min_alt_questions=min_alts)
    if problems:
        raise KnowledgeBaseError(problems)
    return KnowledgeBase(entries={entry.id: entry for entry in entries})
