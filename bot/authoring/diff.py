"""What a knowledge-base edit changes compared with the index being served: entries added, removed, changed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import IndexError_
from bot.kb.model import FaqEntry, KnowledgeBase
from embeddings.index import ENTRIES_NAME
from embeddings.manifest import Manifest


@dataclass
class KbDiff:
    """Entry ids added and removed, and for each changed entry what changed in it."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    served_built_at: str | None = None

    @property
    def empty(self) -> bool:
        """True when the knowledge base is what the index serves."""
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "served_built_at": self.served_built_at}


def served_entries(folder: Path) -> tuple[list[FaqEntry], Manifest]:
    """The entries and manifest of the index published at `folder` (IndexError_ when there is none)."""
    manifest = Manifest.load(folder)
    path = folder / ENTRIES_NAME
    if not path.exists():
        raise IndexError_(f"index at {folder} has no {ENTRIES_NAME}: rebuild with `python scripts/build_index.py`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [FaqEntry.from_dict(item) for item in data], manifest
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexError_(f"unreadable {path} ({exc}): rebuild with `python scripts/build_index.py`") from None


def entry_changes(old: FaqEntry, new: FaqEntry) -> list[str]:
    """Readable differences between two versions of one entry, e.g. "de: answer", "es: +2/-1 alternates"."""
    changes = [name for name in ("category", "tags", "flags") if getattr(old, name) != getattr(new, name)]
    for lang in sorted(set(old.translations) | set(new.translations)):
        before, after = old.translations.get(lang), new.translations.get(lang)
        if before is None:
            changes.append(f"{lang}: translation added")
        elif after is None:
            changes.append(f"{lang}: translation removed")
        else:
            if before.question != after.question:
                changes.append(f"{lang}: question")
            if before.answer != after.answer:
                changes.append(f"{lang}: answer")
            gained = len(set(after.alt_questions) - set(before.alt_questions))
            lost = len(set(before.alt_questions) - set(after.alt_questions))
            if gained or lost:
                changes.append(f"{lang}: +{gained}/-{lost} alternate questions")
            elif before.alt_questions != after.alt_questions:
                changes.append(f"{lang}: alternate questions reordered")
    return changes


def diff_entries(served: list[FaqEntry], kb: KnowledgeBase) -> KbDiff:
    """Compare the served entries with the knowledge base on disk."""
    old = {entry.id: entry for entry in served}
    diff = KbDiff(added=sorted(set(kb.entries) - set(old)), removed=sorted(set(old) - set(kb.entries)))
    for entry_id in sorted(set(old) & set(kb.entries)):
        before, after = old[entry_id], kb.entries[entry_id]
        if before.content_hash() != after.content_hash():
            diff.changed[entry_id] = entry_changes(before, after) or ["content"]
    return diff
