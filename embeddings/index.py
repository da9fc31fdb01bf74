"""The FAQ index on disk: dense vectors (FAISS), lexical BM25, row metadata, entries, manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from bot.errors import IndexError_
from bot.kb.model import FaqEntry
from embeddings.lexical import LexicalIndex
from embeddings.manifest import Manifest

DENSE_NAME = "dense.faiss"
ROWS_NAME = "rows.json"
ENTRIES_NAME = "entries.json"
REQUIRED_FILES = (DENSE_NAME, ROWS_NAME, ENTRIES_NAME, "lexical.npz", "idf.npy", "vocabulary.json", "manifest.json")


@dataclass(frozen=True)
class Row:
    """One indexed text: which entry, which language, and whether it is a question or an answer."""

    entry: int
    language: str
    kind: str  # "question" | "alt" | "answer"


def make_dense_index(vectors: np.ndarray, *, approximate_above: int, lists: int) -> faiss.Index:
    """Exact inner-product search for small corpora; IVF above `approximate_above` rows."""
    dimensions = vectors.shape[1]
    index: faiss.Index
    if len(vectors) <= approximate_above:
        index = faiss.IndexFlatIP(dimensions)
    else:
        nlist = max(16, min(lists, len(vectors) // 39))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimensions), dimensions, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), nlist * 64),
                                                         replace=False)]
        index.train(sample)
    index.add(vectors)
    return index


def missing_files(folder: Path) -> list[str]:
    """The files a complete index folder has and `folder` lacks."""
    return [name for name in REQUIRED_FILES if not (folder / name).exists()]


class FaqIndex:
    """Everything retrieval needs, loaded from one index folder."""

    def __init__(self, manifest: Manifest, dense: faiss.Index, lexical: LexicalIndex,
                 rows: list[Row], entries: list[FaqEntry], folder: Path | None = None) -> None:
        self.manifest = manifest
        self.dense = dense
        self.lexical = lexical
        self.rows = rows
        self.entries = entries
        self.folder = folder
        self.row_entry = np.fromiter((row.entry for row in rows), dtype=np.int64, count=len(rows))
        self.entry_by_id = {entry.id: i for i, entry in enumerate(entries)}

    def save(self, folder: Path) -> None:
        """Write every file of the index into `folder` (the manifest last, so it marks completeness)."""
        faiss.write_index(self.dense, str(folder / DENSE_NAME))
        self.lexical.save(folder)
        (folder / ROWS_NAME).write_text(json.dumps([[r.entry, r.language, r.kind] for r in self.rows]),
                                        encoding="utf-8")
        (folder / ENTRIES_NAME).write_text(
            json.dumps([entry.to_dict() for entry in self.entries], ensure_ascii=False), encoding="utf-8")
        self.manifest.save(folder)

    @classmethod
    def load(cls, folder: Path, *, probe: int = 16) -> FaqIndex:
        """Load an index folder; a missing or partial folder raises IndexError_ saying how to rebuild."""
        folder = Path(folder)
        manifest = Manifest.load(folder)
        missing = missing_files(folder)
        if missing:
            raise IndexError_(f"index at {folder} is incomplete (missing {missing}): "
                              "rebuild with `python scripts/build_index.py`")
        dense = faiss.read_index(str(folder / DENSE_NAME))
        if hasattr(dense, "nprobe"):
            dense.nprobe = probe
        rows = [Row(int(e), str(lang), str(kind)) for e, lang, kind in
                json.loads((folder / ROWS_NAME).read_text(encoding="utf-8"))]
        entries = [FaqEntry.from_dict(item) for item in
                   json.loads((folder / ENTRIES_NAME).read_text(encoding="utf-8"))]
        return cls(manifest, dense, LexicalIndex.load(folder), rows, entries, folder=folder.resolve())
