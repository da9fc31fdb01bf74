"""Intent classifier: logistic regression over frozen sentence embeddings plus character n-grams.

Dense multilingual embeddings carry meaning across languages; character n-grams (TF-IDF) catch the exact
wording, tickers and typos the embedding smooths over. The out-of-scope threshold is a floor on the top
class probability, chosen on validation data or by cross-validation, never on a test split.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

UNKNOWN = "out_of_scope"
CLASSIFIER_FILE = "intents.npz"  # stored in the index folder, under the same manifest


@dataclass
class IntentPrediction:
    """The best intent, its probability, the runner-up list, and whether it fell below the threshold."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]] = field(default_factory=list)
    below_threshold: bool = False


@dataclass
class ClassifierConfig:
    """Feature and model choices, measured by scripts/evaluate_intents.py."""

    use_ngrams: bool = False   # measured: helps on large English sets, hurts on the small multilingual one
    ngram_range: tuple[int, int] = (2, 5)
    dense_weight: float = 1.0
    c: float = 30.0
    max_iter: int = 300
    # Class weights (n_largest / n_class) ** power: 0 = none, 1 = fully balanced. Measured on the product
    # data: 1 sends routine questions ("I forgot my login password") to account_compromised; 0.5 keeps
    # those in faq while every request for a human in 12 languages is still recognised.
    balance_power: float = 0.5


class IntentClassifier:
    """Train with `fit(texts, labels, vectors)`; predict with a query's text and its embedding."""

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()
        self.classes: list[str] = []
        self.threshold = 0.0
        self._vectorizer: Any = None
        self._model: Any = None
        self._coef = np.zeros((0, 0), dtype=np.float32)
        self._intercept = np.zeros(0, dtype=np.float32)

    def _features(self, texts: list[str], vectors: np.ndarray):
        dense = np.asarray(vectors, dtype=np.float32) * self.config.dense_weight
        if self._vectorizer is None:
            return dense
        return sparse.hstack([sparse.csr_matrix(dense), self._vectorizer.transform(texts)], format="csr")

    def fit(self, texts: list[str], labels: list[str], vectors: np.ndarray) -> IntentClassifier:
        """Train on texts with their labels and precomputed embeddings (same order)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) < 2:
            raise ValueError(f"need at least two intents to train, got {sorted(set(labels))}")
        if self.config.use_ngrams:
            self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=self.config.ngram_range,
                                               sublinear_tf=True, min_df=1, lowercase=True, dtype=np.float32)
            self._vectorizer.fit(texts)
        sizes = Counter(labels)
        largest = max(sizes.values())
        weights = {label: (largest / size) ** self.config.balance_power for label, size in sizes.items()}
        self._model = LogisticRegression(C=self.config.c, max_iter=self.config.max_iter, class_weight=weights)
        self._model.fit(self._features(texts, vectors), labels)
        self.classes = [str(c) for c in self._model.classes_]
        self._coef = np.asarray(self._model.coef_, dtype=np.float32)
        self._intercept = np.asarray(self._model.intercept_, dtype=np.float32)
        return self

    def probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Class probabilities, columns in `self.classes` order (a softmax over linear scores)."""
        features = self._features(texts, vectors)
        scores: np.ndarray = np.asarray(features @ self._coef.T, dtype=np.float64) + self._intercept
        if scores.shape[1] == 1:  # binary logistic regression keeps one column for the second class
            scores = np.hstack([-scores, scores]) / 2
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, text: str, vector: np.ndarray, top: int = 3) -> IntentPrediction:
        """Classify one message; below the threshold the intent becomes out_of_scope."""
        probabilities = self.probabilities([text], vector.reshape(1, -1))[0]
        order = np.argsort(-probabilities)[:top]
        ranking = [(self.classes[i], round(float(probabilities[i]), 4)) for i in order]
        best, confidence = ranking[0]
        if confidence < self.threshold:
            return IntentPrediction(UNKNOWN, confidence, ranking, below_threshold=True)
        return IntentPrediction(best, confidence, ranking)

    def save(self, path: Path, metadata: dict[str, Any]) -> None:
        """Write the weights as .npz with `metadata` (encoder identity, data hash); serving needs only numpy."""
        header = {"metadata": metadata, "config": asdict(self.config), "classes": self.classes,
                  "threshold": self.threshold}
        vectorizer = pickle.dumps(self._vectorizer) if self._vectorizer is not None else b""
        with path.open("wb") as handle:
            np.savez(handle, coef=self._coef, intercept=self._intercept,
                     header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
                     vectorizer=np.frombuffer(vectorizer, dtype=np.uint8))

    @classmethod
    def load(cls, path: Path) -> tuple[IntentClassifier, dict[str, Any]]:
        """Inverse of `save`: the classifier and its metadata (artefacts are built locally, never downloaded)."""
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(data["header"].tobytes().decode())
            config = header["config"]
            classifier = cls(ClassifierConfig(**{**config, "ngram_range": tuple(config["ngram_range"])}))
            classifier._coef, classifier._intercept = data["coef"], data["intercept"]
            vectorizer = data["vectorizer"].tobytes()
        classifier.classes, classifier.threshold = header["classes"], header["threshold"]
        # The vectorizer exists only when n-gram features are on; it is our own build artefact.
        classifier._vectorizer = pickle.loads(vectorizer) if vectorizer else None
        return classifier, header["metadata"]


def choose_threshold(in_scope_correct: np.ndarray, in_scope_confidence: np.ndarray,
                     oos_confidence: np.ndarray, oos_flagged: np.ndarray | None = None,
                     recall_target: float | None = None) -> float:
    """The floor on top-class probability that maximises in-scope accuracy + out-of-scope recall, or, with
    `recall_target`, the lowest floor whose out-of-scope recall reaches the target (best in-scope accuracy
    at that operating point).

    `in_scope_correct`: whether each in-scope prediction was right before thresholding; `oos_flagged`:
    whether an out-of-scope row was already predicted out of scope (when the model has such a class).
    All arrays come from validation data or out-of-fold predictions, never from a test split.
    """
    if not len(oos_confidence):
        return 0.0
    flagged = np.zeros(len(oos_confidence), dtype=bool) if oos_flagged is None else oos_flagged
    candidates = np.unique(np.concatenate([[0.0], in_scope_confidence, oos_confidence]))
    n_in, n_oos = max(len(in_scope_confidence), 1), len(oos_confidence)
    best, best_value = 0.0, -1.0
    for threshold in candidates:
        accuracy = np.sum(in_scope_correct & (in_scope_confidence >= threshold)) / n_in
        recall = np.sum(flagged | (oos_confidence < threshold)) / n_oos
        if recall_target is not None:
            if recall >= recall_target:
                return float(threshold)
            continue
        if accuracy + recall > best_value + 1e-12:
            best, best_value = float(threshold), accuracy + recall
    return best
