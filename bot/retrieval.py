"""Hybrid retrieval: dense FAISS search fused with BM25, aggregated per FAQ entry, calibrated."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bot.config import RetrievalSettings
from embeddings.index import FaqIndex
from embeddings.protocol import TextEncoder

# An answer text matches a question less literally than an alternate question does.
ANSWER_ROW_WEIGHT = 0.85


@dataclass(frozen=True)
class Candidate:
    """A FAQ entry retrieved for a query: calibrated score (probability it is right) and its parts."""

    faq_id: str
    score: float
    fused: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class Calibration:
    """Logistic map from (fused score, margin over the best other entry) to the probability of being right."""

    w_score: float = 12.0
    w_margin: float = 20.0
    bias: float = -7.0

    def probability(self, score: float, margin: float) -> float:
        """P(correct) for a candidate with this fused score and margin."""
        z = self.w_score * score + self.w_margin * margin + self.bias
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> Calibration:
        """Read the coefficients stored in an index manifest (defaults when absent)."""
        return cls(**{k: float(v) for k, v in data.items() if k in {"w_score", "w_margin", "bias"}})


class HybridRetriever:
    """Ranks FAQ entries for a query; construct with a loaded index and a warmed-up encoder."""

    def __init__(self, index: FaqIndex, encoder: TextEncoder, settings: RetrievalSettings) -> None:
        self.index = index
        self.encoder = encoder
        self.settings = settings
        self.calibration = Calibration.from_dict(index.manifest.calibration)
        self._answer_weight = np.array([ANSWER_ROW_WEIGHT if row.kind == "answer" else 1.0
                                        for row in index.rows], dtype=np.float32)

    def search(self, text: str, *, top_k: int | None = None, vector: np.ndarray | None = None,
               exclude_rows: np.ndarray | None = None) -> list[Candidate]:
        """Best entries first; `vector` reuses an embedding, `exclude_rows` hides rows (self-test)."""
        k = top_k or self.settings.top_k
        if k <= 0:
            raise ValueError(f"top_k must be greater than 0. Currently, top_k is {k}")
        if vector is None:
            vector = self.encoder.encode_query(text)
        fused, dense, lexical = self.entry_scores(text, vector, exclude_rows=exclude_rows)
        return self.rank(fused, dense, lexical, k)

    def dense_hits(self, vectors: np.ndarray, extra: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
        """Nearest rows (and weighted scores) for each query vector; `extra` more to survive exclusions."""
        want = min(self.settings.dense_candidates + extra, len(self.index.rows))
        scores, rows = self.index.dense.search(np.ascontiguousarray(vectors, dtype=np.float32), want)
        hits = []
        for row_ids, row_scores in zip(rows, scores, strict=True):
            keep = row_ids >= 0
            row_ids = row_ids[keep]
            hits.append((row_ids, row_scores[keep] * self._answer_weight[row_ids]))
        return hits

    def lexical_hits(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows sharing words with `text`, with BM25 scores as a share of the best possible for this query."""
        rows, scores = self.index.lexical.scores(text)
        return rows, self.index.lexical.coverage(text, scores) if len(rows) else scores

    def combine(self, dense_hit: tuple[np.ndarray, np.ndarray], lexical_hit: tuple[np.ndarray, np.ndarray],
                exclude_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-entry fused, dense and lexical scores (best row per entry), without `exclude_rows`."""
        n_entries = len(self.index.entries)
        per_entry = []
        for rows, scores in (dense_hit, lexical_hit):
            if exclude_rows is not None and len(exclude_rows) and len(rows):
                keep = ~np.isin(rows, exclude_rows)
                rows, scores = rows[keep], scores[keep]
            best = np.zeros(n_entries, dtype=np.float32)
            if len(rows):
                np.maximum.at(best, self.index.row_entry[rows], scores)
            per_entry.append(best)
        dense, lexical = per_entry
        weight = self.settings.lexical_weight
        return (1 - weight) * dense + weight * lexical, dense, lexical

    def entry_scores(self, text: str, vector: np.ndarray, *, exclude_rows: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-entry fused, dense and lexical scores (arrays over all entries)."""
        extra = 0 if exclude_rows is None else len(exclude_rows)
        return self.combine(self.dense_hits(vector.reshape(1, -1), extra)[0], self.lexical_hits(text), exclude_rows)

    def rank(self, fused: np.ndarray, dense: np.ndarray, lexical: np.ndarray, k: int) -> list[Candidate]:
        """Top `k` entries with calibrated scores: each is judged against the best other entry."""
        if not len(fused):
            return []
        k = min(k, len(fused))
        top = np.argpartition(-fused, k - 1)[:k] if k < len(fused) else np.arange(len(fused))
        top = top[np.argsort(-fused[top], kind="stable")]
        best, second = float(fused[top[0]]), float(fused[top[1]]) if len(top) > 1 else 0.0
        candidates = []
        for i in top:
            score = float(fused[i])
            margin = score - (second if i == top[0] else best)
            candidates.append(Candidate(
                faq_id=self.index.entries[i].id, score=round(self.calibration.probability(score, margin), 4),
                fused=round(score, 4), dense=round(float(dense[i]), 4), lexical=round(float(lexical[i]), 4)))
        return candidates
