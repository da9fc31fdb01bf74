"""Clustering mechanics and entry matching with the deterministic hashing encoder (no model needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.authoring.calibrate import pair_scores, sweep_clustering, sweep_scores
from bot.authoring.clusters import (
    ADD_ALTERNATE,
    NEW_ENTRY,
    NO_INDEX,
    QuestionPool,
    cluster_questions,
    cluster_vectors,
    normalise,
    promote_command,
)
from bot.authoring.matching import EntryMatcher
from bot.build import build_index
from embeddings.hashing import HashingEncoder
from embeddings.index import FaqIndex
from tests.conftest import make_settings

ENCODER = HashingEncoder()


@pytest.fixture(scope="module")
def hashing_index(tmp_path_factory: pytest.TempPathFactory) -> FaqIndex:
    """The fixture knowledge base indexed with the hashing encoder."""
    root = tmp_path_factory.mktemp("hashing-index")
    settings = make_settings(root, encoder__backend="hashing")
    build_index(settings, progress=False, intents_dir=None, selftest=False)
    return FaqIndex.load(root / "index")


def _pool(items: list[tuple[str, str, int]]) -> QuestionPool:
    pool = QuestionPool()
    for text, language, count in items:
        for _ in range(count):
            pool.add(text, language, "fallback")
    return pool


def test_pool_counts_the_same_text_once_whatever_its_case_and_spacing():
    """Case and whitespace do not make a new text; counts, languages and kinds add up."""
    pool = QuestionPool()
    pool.add("Can I stake ETH?", "en", "fallback")
    pool.add("  can i   stake eth? ", "en", "handoff")
    pool.add("   ", "en", "fallback")
    assert len(pool) == 1 and pool.total == 2
    only = pool.most_common(5)[0]
    assert only.text == "Can I stake ETH?" and only.count == 2 and dict(only.kinds) == {"fallback": 1, "handoff": 1}
    assert normalise(" A  b ") == "a b"


def test_cluster_vectors_merges_below_the_threshold_only():
    """Two tight pairs far apart: two clusters at a small threshold, one at a huge one."""
    vectors = np.array([[1, 0, 0], [0.99, 0.14, 0], [0, 0, 1], [0, 0.14, 0.99]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = cluster_vectors(vectors, 0.2)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    assert len(set(cluster_vectors(vectors, 1.5))) == 1
    assert list(cluster_vectors(vectors[:1])) == [0] and len(cluster_vectors(vectors[:0])) == 0


def test_similar_texts_cluster_and_different_ones_stay_apart():
    """Spelling variants of one question form one cluster, sized by their occurrences; others stay apart."""
    pool = _pool([("how do I stake ETH", "en", 3), ("how do i stake eth?", "en", 2), ("how to stake ETH", "en", 1),
                  ("buy gift cards with crypto", "en", 2), ("gift cards with crypto?", "en", 1)])
    result = cluster_questions(pool, ENCODER.encode, threshold=0.5)
    assert [(c.size, c.distinct) for c in result.clusters] == [(6, 3), (3, 2)]
    stake = result.clusters[0]
    assert stake.examples[0] == {"text": "how do I stake ETH", "language": "en", "count": 3}
    assert stake.suggestion == NO_INDEX and stake.nearest is None
    assert (result.occurrences, result.distinct, result.embedded, result.left_out) == (9, 5, 5, 0)


def test_only_the_most_frequent_texts_are_clustered_beyond_the_cap():
    """max_texts bounds the work; what is left out is counted."""
    pool = _pool([(f"question number {i}", "en", 10 - i) for i in range(6)])
    result = cluster_questions(pool, ENCODER.encode, max_texts=4, threshold=0.01)
    assert (result.embedded, result.left_out) == (4, 2)
    assert sum(c.size for c in result.clusters) == 10 + 9 + 8 + 7


def test_examples_cover_languages_before_repeating_one():
    """The examples take the most frequent text of each language first."""
    pool = _pool([("stake eth", "en", 5), ("stake eth now", "en", 4), ("stake eth pls", "en", 3),
                  ("stake eth por favor", "es", 1)])
    cluster = cluster_questions(pool, ENCODER.encode, threshold=1.0).clusters[0]
    assert [e["language"] for e in cluster.examples] == ["en", "es", "en", "en"]
    assert cluster.languages == {"en": 12, "es": 1}


def test_matcher_scores_every_entry_by_its_closest_question(hashing_index: FaqIndex):
    """An existing alternate question scores 1.0 for its entry; answers are not matched."""
    matcher = EntryMatcher(hashing_index)
    vector = ENCODER.encode(["withdrawal fee for BTC"])
    match = matcher.nearest(vector)
    assert match is not None and match.faq_id == "withdraw.fees" and match.score == pytest.approx(1.0, abs=1e-4)
    assert match.runner_up is not None and match.runner_up_score is not None and match.runner_up_score < 1.0
    scores = matcher.entry_scores(vector)
    assert scores.shape == (1, len(hashing_index.entries))
    answer = hashing_index.entries[0].translations["en"].answer[:250]
    assert matcher.entry_scores(ENCODER.encode([answer])).max() < 0.99


def test_suggestions_follow_the_alternate_score(hashing_index: FaqIndex):
    """A near copy of an existing question: add it as an alternate; an unrelated one: new entry."""
    pool = _pool([("withdrawal fees for BTC?", "en", 4), ("the withdrawal fee for btc", "en", 2),
                  ("zzz qqq xxy", "en", 3)])
    result = cluster_questions(pool, ENCODER.encode, EntryMatcher(hashing_index), threshold=0.4,
                               alternate_score=0.6)
    fees = next(c for c in result.clusters if c.size == 6)
    other = next(c for c in result.clusters if c.size == 3)
    assert fees.nearest == "withdraw.fees" and fees.suggestion == ADD_ALTERNATE and fees.score is not None
    assert fees.score >= 0.6
    assert other.suggestion == NEW_ENTRY and other.score is not None and other.score < 0.6
    data = fees.to_dict()
    assert data["promote"][0] == ("python -m bot kb promote 'withdrawal fees for BTC?' --to withdraw.fees "
                                  "--lang en --rebuild")
    assert other.to_dict()["promote"] == []


def test_promote_command_quotes_for_the_shell():
    """Quotes and spaces in a question survive the shell."""
    assert promote_command("what's the fee", "withdraw.fees", "en") == (
        "python -m bot kb promote 'what'\"'\"'s the fee' --to withdraw.fees --lang en --rebuild")


def test_calibration_helpers_score_partitions_and_thresholds():
    """Pairwise precision/recall and the threshold sweeps the calibration prints."""
    truth = ["a", "a", "b", "b"]
    assert pair_scores(truth, np.array([0, 0, 1, 1])) == (1.0, 1.0)
    assert pair_scores(truth, np.array([0, 0, 0, 0])) == (2 / 6, 1.0)
    assert pair_scores(truth, np.array([0, 1, 2, 3])) == (1.0, 0.0)
    vectors = ENCODER.encode(["stake eth", "stake eth?", "gift card", "gift cards"])
    best = max(sweep_clustering(vectors, truth, (0.05, 0.5, 1.5)), key=lambda s: s.ari)
    assert best.threshold == 0.5 and best.ari == 1.0 and best.clusters == 2
    rows = sweep_scores(np.array([0.8, 0.9]), np.array([0.2, 0.7]), (0.5, 0.75))
    assert rows == [(0.5, 1.0, 0.5, 0.75), (0.75, 1.0, 1.0, 1.0)]


def test_cluster_result_to_dict_limits_clusters(tmp_path: Path):
    """The JSON form carries the parameters and at most `limit` clusters."""
    pool = _pool([("alpha beta", "en", 2), ("gamma delta", "en", 1), ("epsilon zeta", "en", 1)])
    data = cluster_questions(pool, ENCODER.encode, threshold=0.05).to_dict(limit=2)
    assert len(data["clusters"]) == 2 and data["distance_threshold"] == 0.05 and data["occurrences"] == 4
