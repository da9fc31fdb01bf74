"""With the real multilingual encoder: paraphrases of one unanswered question in different languages cluster
together, different questions stay apart, and suggestions point at the right entry."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

from bot.authoring.calibrate import pair_scores
from bot.authoring.clusters import ADD_ALTERNATE, DISTANCE_THRESHOLD, NEW_ENTRY, QuestionPool, cluster_questions
from bot.authoring.matching import EntryMatcher
from bot.authoring.validation_data import UNANSWERED_TOPICS
from embeddings.index import FaqIndex
from tests.unit.authoring import HELDOUT_TOPICS

pytestmark = pytest.mark.integration


def _cluster(encoder, topics):
    """Cluster every text of `topics` (the kind of each text is its topic); returns the topic and cluster of
    every text, aligned, and the result."""
    pool = QuestionPool()
    for topic, items in topics.items():
        for language, text in items:
            pool.add(text, language, topic)
    result = cluster_questions(pool, encoder.encode)
    truth, labels = [], []
    for number, cluster in enumerate(result.clusters):
        for topic, count in cluster.kinds.items():
            truth += [topic] * count
            labels += [number] * count
    return truth, np.array(labels), result


def test_heldout_paraphrases_cluster_by_meaning_across_languages(use_encoder):
    """On topics never used for tuning: no cluster mixes two questions, and each question's paraphrases in
    4-5 languages mostly share one cluster."""
    from sklearn.metrics import adjusted_rand_score

    truth, labels, result = _cluster(use_encoder, HELDOUT_TOPICS)
    precision, recall = pair_scores(truth, labels)
    assert precision == 1.0, "a cluster mixes two different questions"
    assert recall >= 0.8 and adjusted_rand_score(truth, labels) >= 0.85
    by_topic: dict[str, Counter] = defaultdict(Counter)
    for topic, label in zip(truth, labels, strict=True):
        by_topic[topic][label] += 1
    for topic, counts in by_topic.items():
        largest = counts.most_common(1)[0][1]
        assert largest / sum(counts.values()) >= 0.6, f"{topic} is scattered: {dict(counts)}"
    big = [c for c in result.clusters if c.size >= 4]
    assert all(len(c.languages) >= 4 for c in big)


def test_tuning_topics_are_recovered_at_the_chosen_threshold(use_encoder):
    """The threshold chosen on the validation data still recovers it (guards against encoder changes)."""
    from sklearn.metrics import adjusted_rand_score

    truth, labels, _ = _cluster(use_encoder, UNANSWERED_TOPICS)
    assert DISTANCE_THRESHOLD == 0.40
    assert adjusted_rand_score(truth, labels) >= 0.9


def test_suggestions_on_the_shipped_index(use_encoder, shipped_index_dir):
    """Paraphrases of an existing entry are suggested as its alternates; a new topic as a new entry."""
    matcher = EntryMatcher(FaqIndex.load(shipped_index_dir))
    pool = QuestionPool()
    for language, text in [("en", "how high is the fee for a withdrawal"),
                           ("es", "¿cuál es la comisión por retirar?"),
                           ("fr", "quels sont les frais de retrait ?")]:
        pool.add(text, language, "fees")
    for language, text in HELDOUT_TOPICS["careers"]:
        pool.add(text, language, "careers")
    result = cluster_questions(pool, use_encoder.encode, matcher)
    fees = next(c for c in result.clusters if "fees" in c.kinds)
    careers = next(c for c in result.clusters if "careers" in c.kinds)
    assert set(fees.kinds) == {"fees"} and set(careers.kinds) == {"careers"}
    assert fees.nearest == "withdraw.fees" and fees.suggestion == ADD_ALTERNATE, fees
    assert careers.suggestion == NEW_ENTRY, careers
