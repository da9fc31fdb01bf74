"""Group the questions the bot could not answer by meaning, across languages, and say what to write next.

Distinct texts are embedded with the configured multilingual encoder and clustered by average linkage on
cosine distance, cut at `DISTANCE_THRESHOLD`. Each cluster gets the nearest existing entry (mean over its
texts of the best similarity to one of the entry's questions); at or above `ALTERNATE_SCORE` the suggestion
is "add as alternate question to that entry", below it "new entry needed".

Both thresholds were chosen with `python -m bot.authoring.calibrate` on the synthetic multilingual data of
`bot.authoring.validation_data` and the shipped knowledge base, with the use-m3 encoder (see that module's
docstring for the measured numbers). Another encoder may need other values: pass them explicitly.
"""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.authoring.matching import EntryMatcher

DISTANCE_THRESHOLD = 0.40   # cosine distance at which average-linkage merging stops (use-m3, measured)
ALTERNATE_SCORE = 0.68      # nearest-entry similarity from which "add as alternate question" is suggested
MAX_TEXTS = 3000            # most frequent distinct texts embedded and clustered; O(n^2) distances beyond
EXAMPLES = 5

NEW_ENTRY = "new_entry"
ADD_ALTERNATE = "add_alternate"
NO_INDEX = "no_index"


def normalise(text: str) -> str:
    """The key under which texts count as the same question: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


@dataclass
class PooledText:
    """One distinct unanswered text and how often, in which languages and how the bot failed on it."""

    text: str
    count: int = 0
    languages: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)

    @property
    def language(self) -> str:
        """The language it was most often detected in."""
        return self.languages.most_common(1)[0][0] if self.languages else "unknown"


class QuestionPool:
    """Collects unanswered questions as they stream past; memory grows with distinct texts only."""

    def __init__(self) -> None:
        self._texts: dict[str, PooledText] = {}
        self.total = 0

    def add(self, text: str, language: str | None, kind: str) -> None:
        """Count one occurrence."""
        key = normalise(text)
        if not key:
            return
        pooled = self._texts.get(key)
        if pooled is None:
            pooled = self._texts[key] = PooledText(text.strip())
        pooled.count += 1
        pooled.languages[language or "unknown"] += 1
        pooled.kinds[kind] += 1
        self.total += 1

    def __len__(self) -> int:
        return len(self._texts)

    def most_common(self, limit: int) -> list[PooledText]:
        """The `limit` most frequent distinct texts (ties in text order, so the choice never depends on the
        order the conversations were read in)."""
        ordered = sorted(self._texts.items(), key=lambda item: (-item[1].count, item[0]))
        return [pooled for _, pooled in ordered[:limit]]


@dataclass
class Cluster:
    """A group of unanswered questions with one meaning, and the suggested fix."""

    size: int
    distinct: int
    languages: dict[str, int]
    kinds: dict[str, int]
    examples: list[dict[str, Any]]
    nearest: str | None = None
    score: float | None = None
    runner_up: str | None = None
    runner_up_score: float | None = None
    suggestion: str = NO_INDEX

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the promote commands for an "add alternate" suggestion."""
        data = dict(self.__dict__)
        data["promote"] = [promote_command(e["text"], self.nearest, e["language"]) for e in self.examples
                           ] if self.suggestion == ADD_ALTERNATE and self.nearest else []
        return data


def promote_command(question: str, faq_id: str, language: str) -> str:
    """The shell command that adds `question` to entry `faq_id` in `language`."""
    return f"python -m bot kb promote {shlex.quote(question)} --to {faq_id} --lang {language} --rebuild"


@dataclass
class ClusterResult:
    """The clusters, largest first, and how many texts were (not) clustered."""

    clusters: list[Cluster]
    occurrences: int
    distinct: int
    embedded: int
    left_out: int   # distinct texts beyond `max_texts` (the rarest), not clustered
    threshold: float
    alternate_score: float

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """JSON-ready form, at most `limit` clusters."""
        return {"occurrences": self.occurrences, "distinct_texts": self.distinct, "embedded": self.embedded,
                "left_out": self.left_out, "distance_threshold": self.threshold,
                "alternate_score": self.alternate_score,
                "clusters": [cluster.to_dict() for cluster in self.clusters[:limit]]}


def cluster_vectors(vectors: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> np.ndarray:
    """Cluster labels 0..k-1 by average linkage on cosine distance, merging while the distance < threshold."""
    n = len(vectors)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    distances = np.clip(pdist(np.asarray(vectors, dtype=np.float64), metric="cosine"), 0.0, 2.0)
    tree = linkage(distances, method="average")
    return fcluster(tree, t=threshold, criterion="distance").astype(np.int64) - 1


def _examples(members: list[PooledText]) -> list[dict[str, Any]]:
    """Up to EXAMPLES texts, most frequent first, one per language before any language repeats."""
    ordered = sorted(members, key=lambda p: (-p.count, p.text))
    chosen: list[PooledText] = []
    seen: set[str] = set()
    for item in ordered:
        if item.language not in seen:
            chosen.append(item)
            seen.add(item.language)
    chosen += [item for item in ordered if item not in chosen]
    return [{"text": p.text, "language": p.language, "count": p.count} for p in chosen[:EXAMPLES]]


def _summarise(members: list[PooledText], vectors: np.ndarray, matcher: EntryMatcher | None,
               alternate_score: float) -> Cluster:
    languages: Counter = Counter()
    kinds: Counter = Counter()
    for item in members:
        languages.update(item.languages)
        kinds.update(item.kinds)
    cluster = Cluster(size=sum(p.count for p in members), distinct=len(members),
                      languages=dict(languages.most_common()), kinds=dict(kinds.most_common()),
                      examples=_examples(members))
    if matcher is not None:
        match = matcher.nearest(vectors, weights=np.array([p.count for p in members], dtype=np.float64))
        if match is not None:
            cluster.nearest, cluster.score = match.faq_id, match.score
            cluster.runner_up, cluster.runner_up_score = match.runner_up, match.runner_up_score
            cluster.suggestion = ADD_ALTERNATE if match.score >= alternate_score else NEW_ENTRY
    return cluster


def cluster_questions(pool: QuestionPool, encode: Callable[[list[str]], np.ndarray],
                      matcher: EntryMatcher | None = None, *, threshold: float = DISTANCE_THRESHOLD,
                      alternate_score: float = ALTERNATE_SCORE, max_texts: int = MAX_TEXTS,
                      batch_size: int = 256) -> ClusterResult:
    """Embed the pool's most frequent distinct texts, cluster them and suggest a fix per cluster."""
    texts = pool.most_common(max_texts)
    chunks = [encode([p.text for p in texts[i:i + batch_size]]) for i in range(0, len(texts), batch_size)]
    vectors = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros((0, 1), dtype=np.float32)
    labels = cluster_vectors(vectors, threshold)
    clusters = []
    for label in np.unique(labels):
        where = np.flatnonzero(labels == label)
        clusters.append(_summarise([texts[i] for i in where], vectors[where], matcher, alternate_score))
    clusters.sort(key=lambda c: (-c.size, -c.distinct))
    return ClusterResult(clusters=clusters, occurrences=pool.total, distinct=len(pool), embedded=len(texts),
                         left_out=len(pool) - len(texts), threshold=threshold, alternate_score=alternate_score)
