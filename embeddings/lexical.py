"""A BM25 index over the same rows as the dense index, as a sparse matrix (fast for 100k+ rows)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

from embeddings.tokenize import tokenize

COMMON_SHARE = 0.1


class LexicalIndex:
    """BM25 scores of a query against every row; catches tickers, error codes and product names."""

    def __init__(self, vocabulary: dict[str, int], weights: sparse.csr_matrix, idf: np.ndarray,
                 k1: float = 1.2) -> None:
        self.vocabulary = vocabulary
        # terms x rows: a query's score vector is the sum of its terms' rows.
        self.weights = weights
        self.idf = idf
        self.k1 = k1
        self._unseen_idf = float(idf.max()) if len(idf) else 1.0
        self._document_frequency = np.diff(weights.indptr)  # rows containing each term

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        """Compute BM25 term weights for every row."""
        vocabulary: dict[str, int] = {}
        rows, cols, counts = [], [], []
        lengths = np.zeros(len(texts), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = tokenize(text)
            lengths[row] = len(tokens)
            for token, count in Counter(tokens).items():
                rows.append(row)
                cols.append(vocabulary.setdefault(token, len(vocabulary)))
                counts.append(count)
        tf = sparse.csr_matrix((np.asarray(counts, dtype=np.float32), (rows, cols)),
                               shape=(len(texts), max(len(vocabulary), 1)))
        n = max(len(texts), 1)
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=tf.shape[1]).astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        average = float(lengths.mean()) if len(texts) else 1.0
        norm = k1 * (1 - b + b * lengths / max(average, 1e-6))
        tf = tf.tocoo()
        data = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
        weights = sparse.csr_matrix((data.astype(np.float32), (tf.col, tf.row)),
                                    shape=(tf.shape[1], tf.shape[0]))
        return cls(vocabulary, weights, idf.astype(np.float32), k1)

    def coverage(self, query: str, scores: np.ndarray) -> np.ndarray:
        """Scores as a share of the best any row could get for this query (unknown words count as rare),
        so matching one common word of a long query counts little and matching every rare word counts 1."""
        terms = set(tokenize(query))
        if not terms:
            return scores
        ceiling = (self.k1 + 1) * sum(float(self.idf[self.vocabulary[t]]) if t in self.vocabulary
                                      else self._unseen_idf for t in terms)
        return np.minimum(scores / max(ceiling, 1e-6), 1.0)

    def scores(self, query: str, limit: int = 2000) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a non-zero score and their BM25 scores, at most `limit` of them (the best).

        Terms found in more than COMMON_SHARE of the rows carry almost no weight (low idf) but touch most
        rows; they are skipped unless the query has nothing rarer, which keeps large indexes fast.
        """
        ids = sorted({self.vocabulary[t] for t in tokenize(query) if t in self.vocabulary})
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        frequency = self._document_frequency[ids]
        rare = [term for term, df in zip(ids, frequency, strict=True) if df <= COMMON_SHARE * self.weights.shape[1]]
        ids = rare or [ids[int(np.argmin(frequency))]]
        total = self.weights[ids].sum(axis=0).A1
        rows = np.flatnonzero(total)
        scores = total[rows].astype(np.float32)
        if len(rows) > limit:
            best = np.argpartition(-scores, limit - 1)[:limit]
            rows, scores = rows[best], scores[best]
        return rows.astype(np.int64), scores

    def save(self, folder: Path) -> None:
        """Write `lexical.npz` and `vocabulary.json` into `folder`."""
        sparse.save_npz(folder / "lexical.npz", self.weights)
        np.save(folder / "idf.npy", self.idf)
        (folder / "vocabulary.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read what `save` wrote."""
        weights = sparse.load_npz(folder / "lexical.npz").tocsr()
        vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        return cls(vocabulary, weights, np.load(folder / "idf.npy"))
