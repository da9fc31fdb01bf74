"""Choose the report's clustering and suggestion thresholds on synthetic validation data.

`python -m bot.authoring.calibrate [--config FILE]` embeds `validation_data.UNANSWERED_TOPICS` with the
configured encoder and prints, per distance threshold, how well average-linkage clustering recovers the topics
(adjusted Rand index, pairwise precision and recall); then, against the served index, the balanced accuracy of
each "add as alternate question" score threshold, with positives = the knowledge base's own alternate
questions scored against their entry with that very row left out (and, harder, with the entry's rows in that
language left out), and negatives = the validation topics, which no entry covers.

Measured with use-m3 (102 texts, 16 topics, 12 languages; 3,544 alternate questions of the served index):

- clustering: the adjusted Rand index peaks at distance 0.40 (ARI 0.942, pairwise precision 1.000, recall
  0.895, 22 clusters for 16 topics); at 0.42 the first two topics merge (debit card + gift card). Chosen: 0.40.
  On the held-out topics of the tests (29 texts, 6 topics) 0.40 gives ARI 0.935, precision 1.000, recall 0.893.
- suggestion: balanced accuracy peaks at score 0.68 in both variants (0.856 with the row left out: recall
  0.78, specificity 0.93; 0.830 with the language left out: recall 0.73). Chosen: 0.68. (With the earlier,
  smaller knowledge base of 2,929 alternates the peak was also 0.68.)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.authoring.clusters import cluster_vectors
from bot.authoring.matching import EntryMatcher
from bot.authoring.validation_data import UNANSWERED_TOPICS, labelled_texts

CLUSTER_GRID = tuple(round(0.30 + 0.02 * i, 2) for i in range(28))   # 0.30 .. 0.84
SCORE_GRID = tuple(round(0.40 + 0.02 * i, 2) for i in range(26))     # 0.40 .. 0.90


@dataclass(frozen=True)
class PartitionScore:
    """How well a clustering recovers known topics."""

    threshold: float
    ari: float
    precision: float   # share of same-cluster pairs that share a topic
    recall: float      # share of same-topic pairs put in one cluster
    clusters: int


def pair_scores(truth: list[str], labels: np.ndarray) -> tuple[float, float]:
    """Pairwise precision and recall of `labels` against the `truth` topics."""
    same_truth = np.equal.outer(np.array(truth), np.array(truth))
    same_label = np.equal.outer(labels, labels)
    upper = np.triu(np.ones_like(same_truth, dtype=bool), k=1)
    both = int((same_truth & same_label & upper).sum())
    predicted = int((same_label & upper).sum())
    actual = int((same_truth & upper).sum())
    return (both / predicted if predicted else 1.0), (both / actual if actual else 1.0)


def sweep_clustering(vectors: np.ndarray, truth: list[str],
                     grid: tuple[float, ...] = CLUSTER_GRID) -> list[PartitionScore]:
    """Score every distance threshold of `grid`."""
    from sklearn.metrics import adjusted_rand_score

    scores = []
    for threshold in grid:
        labels = cluster_vectors(vectors, threshold)
        precision, recall = pair_scores(truth, labels)
        scores.append(PartitionScore(threshold, round(float(adjusted_rand_score(truth, labels)), 4),
                                     round(precision, 4), round(recall, 4), int(labels.max()) + 1))
    return scores


def leave_one_out_scores(matcher: EntryMatcher, *, hide_language: bool = False) -> np.ndarray:
    """For each alternate-question row: its similarity to its own entry with the row itself hidden (or, with
    `hide_language`, every row of that entry in that language hidden)."""
    index = matcher.index
    alt = np.array([i for i, row_id in enumerate(matcher.row_ids) if index.rows[row_id].kind == "alt"])
    if not len(alt):
        return np.zeros(0, dtype=np.float32)
    similarity = matcher.vectors[alt] @ matcher.vectors.T
    rows = [index.rows[row_id] for row_id in matcher.row_ids]
    for k, i in enumerate(alt):
        mine = rows[i]
        if hide_language:
            hidden = [j for j, row in enumerate(rows) if row.entry == mine.entry and row.language == mine.language]
            similarity[k, hidden] = -1.0
        else:
            similarity[k, i] = -1.0
    per_entry = np.maximum.reduceat(similarity, matcher.starts, axis=1)
    column = {int(entry): c for c, entry in enumerate(matcher.entry_ids)}
    return np.array([per_entry[k, column[rows[i].entry]] for k, i in enumerate(alt)], dtype=np.float32)


def sweep_scores(positives: np.ndarray, negatives: np.ndarray,
                 grid: tuple[float, ...] = SCORE_GRID) -> list[tuple[float, float, float, float]]:
    """(threshold, recall on positives, specificity on negatives, balanced accuracy) per threshold."""
    rows = []
    for threshold in grid:
        recall = float((positives >= threshold).mean()) if len(positives) else 0.0
        specificity = float((negatives < threshold).mean()) if len(negatives) else 0.0
        rows.append((threshold, round(recall, 4), round(specificity, 4), round((recall + specificity) / 2, 4)))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print both sweeps for the configured encoder and served index."""
    from bot.config import load_settings
    from embeddings.factory import make_encoder
    from embeddings.index import FaqIndex

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    encoder = make_encoder(settings)
    encoder.warm_up()
    texts, truth = labelled_texts()
    vectors = encoder.encode(texts)
    print(f"clustering: {len(texts)} texts, {len(UNANSWERED_TOPICS)} topics, encoder {encoder.identity}")
    print("threshold  ARI     precision  recall  clusters")
    for s in sweep_clustering(vectors, truth):
        print(f"{s.threshold:9.3f}  {s.ari:.4f}  {s.precision:9.4f}  {s.recall:6.4f}  {s.clusters:8d}")
    index = FaqIndex.load(settings.resolve(settings.index.dir))
    matcher = EntryMatcher(index)
    negatives = matcher.entry_scores(vectors).max(axis=1)
    for label, hide in (("leave the row out", False), ("leave the entry's language out", True)):
        positives = leave_one_out_scores(matcher, hide_language=hide)
        print(f"\nalternate-question score, positives: {len(positives)} alternate questions ({label}); "
              f"negatives: {len(negatives)} validation texts")
        print("threshold  recall  specificity  balanced")
        for threshold, recall, specificity, balanced in sweep_scores(positives, negatives):
            print(f"{threshold:9.3f}  {recall:6.4f}  {specificity:11.4f}  {balanced:8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
