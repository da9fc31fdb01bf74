"""How close questions are to the entries of the served index: per entry, the best cosine similarity to one of
its questions or alternate questions (answer rows are left out: an author adds questions, not answers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from embeddings.index import FaqIndex


@dataclass(frozen=True)
class EntryMatch:
    """The entry nearest to a group of questions and the similarity behind it."""

    faq_id: str
    score: float
    runner_up: str | None = None
    runner_up_score: float | None = None


def question_vectors(index: FaqIndex) -> tuple[np.ndarray, np.ndarray]:
    """The question and alternate-question rows' vectors (read back from FAISS) and each row's index row id."""
    dense: Any = index.dense
    total = int(dense.ntotal)
    if hasattr(dense, "make_direct_map"):
        # IVF indexes reconstruct through a direct map; build it on a copy, never on the index being served.
        import faiss

        dense = faiss.clone_index(dense)
        dense.make_direct_map()
    vectors = dense.reconstruct_n(0, total).astype(np.float32)
    rows = np.array([i for i, row in enumerate(index.rows[:total]) if row.kind != "answer"], dtype=np.int64)
    return vectors[rows], rows


class EntryMatcher:
    """Scores questions against every entry of an index: similarity to the entry's closest question row."""

    def __init__(self, index: FaqIndex) -> None:
        self.index = index
        vectors, rows = question_vectors(index)
        entries = index.row_entry[rows]
        order = np.argsort(entries, kind="stable")
        self.vectors = np.ascontiguousarray(vectors[order])
        self.row_ids = rows[order]
        sorted_entries = entries[order]
        self.entry_ids = np.unique(sorted_entries)   # entry positions that have question rows
        self.starts = np.searchsorted(sorted_entries, self.entry_ids)

    @property
    def dimensions(self) -> int:
        """The vectors' dimension (the encoder's)."""
        return int(self.vectors.shape[1]) if self.vectors.size else 0

    def entry_scores(self, vectors: np.ndarray, exclude_rows: np.ndarray | None = None) -> np.ndarray:
        """Shape (len(vectors), entries with questions): each text's best similarity to each entry."""
        if not len(vectors) or not len(self.vectors):
            return np.zeros((len(vectors), len(self.entry_ids)), dtype=np.float32)
        similarity = np.asarray(vectors, dtype=np.float32) @ self.vectors.T
        if exclude_rows is not None:
            similarity[:, np.isin(self.row_ids, exclude_rows)] = -1.0
        return np.maximum.reduceat(similarity, self.starts, axis=1)

    def nearest(self, vectors: np.ndarray, weights: np.ndarray | None = None) -> EntryMatch | None:
        """The entry with the highest (weighted) mean similarity over `vectors`, and the runner-up."""
        scores = self.entry_scores(vectors)
        if not scores.size:
            return None
        mean = np.average(scores, axis=0, weights=weights)
        ranked = np.argsort(-mean, kind="stable")
        best = ranked[0]
        entries = self.index.entries
        second = ranked[1] if len(ranked) > 1 else None
        return EntryMatch(
            faq_id=entries[int(self.entry_ids[best])].id, score=round(float(mean[best]), 4),
            runner_up=entries[int(self.entry_ids[second])].id if second is not None else None,
            runner_up_score=round(float(mean[second]), 4) if second is not None else None)
