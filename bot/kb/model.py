"""Plain data classes for FAQ entries, independent of where they were loaded from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Translation:
    """One language version of an entry: canonical question, alternates, answer."""

    question: str
    answer: str
    alt_questions: tuple[str, ...] = ()

    def questions(self) -> list[str]:
        """The canonical question followed by every alternate question."""
        return [self.question, *self.alt_questions]


@dataclass(frozen=True)
class FaqEntry:
    """A FAQ entry with a stable id (`category.name`) and its translations by language code."""

    id: str
    category: str
    translations: dict[str, Translation]
    tags: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    source: str = ""

    def content_hash(self) -> str:
        """A hash of everything that affects retrieval and answers (not the source file)."""
        payload = asdict(self)
        payload.pop("source")
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def to_dict(self) -> dict:
        """A JSON-serialisable form, used in the index metadata."""
        return {
            "id": self.id,
            "category": self.category,
            "tags": list(self.tags),
            "flags": list(self.flags),
            "translations": {
                lang: {"question": t.question, "alt_questions": list(t.alt_questions), "answer": t.answer}
                for lang, t in self.translations.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict) -> FaqEntry:
        """Inverse of `to_dict`."""
        return cls(
            id=data["id"],
            category=data["category"],
            tags=tuple(data.get("tags", ())),
            flags=tuple(data.get("flags", ())),
            translations={
                lang: Translation(t["question"], t["answer"], tuple(t.get("alt_questions", ())))
                for lang, t in data["translations"].items()
            },
        )


@dataclass
class KnowledgeBase:
    """All entries of a knowledge base, by id, in a stable order."""

    entries: dict[str, FaqEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries.values())

    def languages(self) -> list[str]:
        """Every language that at least one entry is written in, sorted."""
        return sorted({lang for entry in self for lang in entry.translations})

    def content_hash(self) -> str:
        """A hash of the whole knowledge base, stored in the index manifest."""
        digest = hashlib.sha256()
        for entry_id in sorted(self.entries):
            digest.update(self.entries[entry_id].content_hash().encode())
        return digest.hexdigest()
