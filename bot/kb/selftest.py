"""Knowledge-base self-test: leave each alternate question out and retrieve it against the rest."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from bot.retrieval import HybridRetriever


@dataclass
class SelfTestReport:
    """Top-1 accuracy overall, per language and per entry, plus entries that steal each other's questions."""

    total: int = 0
    correct: int = 0
    by_language: dict[str, list[int]] = field(default_factory=dict)   # lang -> [correct, total]
    by_entry: dict[str, list[int]] = field(default_factory=dict)
    confusions: Counter = field(default_factory=Counter)              # (expected, got) -> count
    cross_lingual: dict[str, list[int]] = field(default_factory=dict)
    # (fused, margin, correct) for calibration: leave-one-out results, plus "unknown question" negatives
    # made by hiding the whole entry, so the bot learns what a question the FAQ cannot answer looks like.
    samples: list[tuple[float, float, bool, str]] = field(default_factory=list)  # kind: "loo" | "unknown"
    # For misses whose right entry was still among the top 3: how far behind the winner it was.
    near_miss_gaps: list[float] = field(default_factory=list)

    def answer_margin(self, accuracy_floor: float = 0.7, max_share: float = 0.1) -> float | None:
        """The lead over the runner-up below which answers are right less than `accuracy_floor` of the time
        (leave-one-out), capped so at most `max_share` of questions fall under it; below it, clarify."""
        loo = sorted((margin, hit) for _, margin, hit, kind in self.samples if kind == "loo")
        if len(loo) < 20:
            return None
        best = 0.0
        hits = 0
        for count, (margin, hit) in enumerate(loo, start=1):
            hits += hit
            if count / len(loo) > max_share:
                break
            if hits / count <= accuracy_floor:
                best = margin
        return round(best, 4)

    def clarify_band(self) -> float | None:
        """A fused-score distance that covers most near misses: options within it are worth offering."""
        return round(float(np.percentile(self.near_miss_gaps, 75)), 4) if len(self.near_miss_gaps) >= 5 else None

    @property
    def accuracy(self) -> float:
        """Leave-one-out top-1 accuracy over every alternate question."""
        return self.correct / self.total if self.total else 0.0

    def language_accuracy(self) -> dict[str, float]:
        """Top-1 accuracy per language."""
        return {lang: c / t for lang, (c, t) in sorted(self.by_language.items()) if t}

    def cross_lingual_accuracy(self) -> dict[str, float]:
        """Top-1 accuracy per language when the entry's own version in that language is removed."""
        return {lang: c / t for lang, (c, t) in sorted(self.cross_lingual.items()) if t}

    def confusable_pairs(self, limit: int = 10) -> list[tuple[str, str, int]]:
        """Pairs of entries whose questions were retrieved as each other, most frequent first."""
        pairs: Counter = Counter()
        for (expected, got), count in self.confusions.items():
            pairs[tuple(sorted((expected, got)))] += count
        return [(a, b, n) for (a, b), n in pairs.most_common(limit)]

    def summary(self) -> dict:
        """A JSON-ready digest for the manifest and the build output."""
        return {
            "leave_one_out_top1": round(self.accuracy, 4),
            "questions": self.total,
            "by_language": {k: round(v, 4) for k, v in self.language_accuracy().items()},
            "cross_lingual_top1": {k: round(v, 4) for k, v in self.cross_lingual_accuracy().items()},
            "weakest_entries": sorted(
                ((entry, round(c / t, 3)) for entry, (c, t) in self.by_entry.items() if t and c < t),
                key=lambda item: item[1])[:10],
            "confusable_pairs": self.confusable_pairs(),
            "clarify_band": self.clarify_band(),
            "answer_margin": self.answer_margin(),
        }


def run_selftest(retriever: HybridRetriever, texts: list[str], vectors: np.ndarray,
                 *, cross_lingual: bool = True) -> SelfTestReport:
    """Leave-one-out over alternate-question rows; optionally also the cross-lingual variant."""
    index = retriever.index
    report = SelfTestReport()
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_entry: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    crossed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    group_rows: dict[tuple[int, str], list[int]] = defaultdict(list)
    entry_rows: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(index.rows):
        group_rows[(row.entry, row.language)].append(i)
        entry_rows[row.entry].append(i)
    multilingual = {entry for entry in entry_rows if len({lang for e, lang in group_rows if e == entry}) > 1}
    alt_rows = [i for i, row in enumerate(index.rows) if row.kind == "alt"]
    # One batched dense search, deep enough that hiding a whole entry still leaves the usual candidates.
    deepest = max((len(rows) for rows in entry_rows.values()), default=0)
    dense_hits = retriever.dense_hits(vectors[alt_rows], extra=deepest) if alt_rows else []
    for i, dense_hit in zip(alt_rows, dense_hits, strict=True):
        row = index.rows[i]
        expected = index.entries[row.entry].id
        lexical_hit = retriever.lexical_hits(texts[i])
        fused, dense, lexical = retriever.combine(dense_hit, lexical_hit, np.array([i]))
        ranked = retriever.rank(fused, dense, lexical, 3)
        got = ranked[0].faq_id
        hit = got == expected
        runner_up = [c for c in ranked[1:] if c.faq_id == expected]
        if runner_up:
            report.near_miss_gaps.append(ranked[0].fused - runner_up[0].fused)
        margin = ranked[0].fused - (ranked[1].fused if len(ranked) > 1 else 0.0)
        report.samples.append((ranked[0].fused, margin, hit, "loo"))
        report.total += 1
        report.correct += hit
        by_language[row.language][0] += hit
        by_language[row.language][1] += 1
        by_entry[expected][0] += hit
        by_entry[expected][1] += 1
        if not hit:
            report.confusions[(expected, got)] += 1
        if len(index.entries) > 2:
            fused, dense, lexical = retriever.combine(dense_hit, lexical_hit, np.array(entry_rows[row.entry]))
            fused[row.entry] = -1.0
            unknown = retriever.rank(fused, dense, lexical, 2)
            report.samples.append((unknown[0].fused, unknown[0].fused - unknown[1].fused, False, "unknown"))
        if cross_lingual and row.entry in multilingual:
            hidden = np.array(group_rows[(row.entry, row.language)])
            fused, dense, lexical = retriever.combine(dense_hit, lexical_hit, hidden)
            crossed[row.language][0] += retriever.rank(fused, dense, lexical, 1)[0].faq_id == expected
            crossed[row.language][1] += 1
    report.by_language, report.by_entry, report.cross_lingual = dict(by_language), dict(by_entry), dict(crossed)
    return report


# The intent classifier already turns most off-topic messages away before retrieval, so simulated
# "unknown question" samples count half as much as real leave-one-out ones.
UNKNOWN_SAMPLE_WEIGHT = 0.5


def fit_calibration(samples: list[tuple[float, float, bool, str]]) -> dict[str, float]:
    """Logistic regression of correctness on (fused score, margin); empty when the data cannot support it."""
    labels = np.array([hit for _, _, hit, _ in samples], dtype=int)
    if len(samples) < 20 or labels.min() == labels.max():
        return {}
    from sklearn.linear_model import LogisticRegression

    features = np.array([[score, margin] for score, margin, _, _ in samples])
    weights = np.array([UNKNOWN_SAMPLE_WEIGHT if kind == "unknown" else 1.0 for *_, kind in samples])
    model = LogisticRegression(C=10.0).fit(features, labels, sample_weight=weights)
    return {"w_score": float(model.coef_[0][0]), "w_margin": float(model.coef_[0][1]),
            "bias": float(model.intercept_[0])}
