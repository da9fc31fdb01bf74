"""Benchmark the intent classifier on labelled CSV (or xSID CoNLL) files, the way the product trains it."""

from __future__ import annotations

import csv
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from embeddings.protocol import TextEncoder
from intents.classifier import UNKNOWN, ClassifierConfig, IntentClassifier, choose_threshold
from intents.training import out_of_fold


def read_labelled(path: Path) -> tuple[list[str], list[str]]:
    """(texts, labels) from a CSV with a header row (text, label) or an xSID CoNLL file."""
    if path.suffix == ".conll":
        texts, labels = [], []
        text = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# text ="):
                text = line.split("=", 1)[1].strip()
            elif line.startswith("# intent =") and text is not None:
                texts.append(text)
                labels.append(line.split("=", 1)[1].strip())
                text = None
        return texts, labels
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    rows = [row for row in rows if len(row) >= 2 and row[0].strip()]
    return [row[0] for row in rows], [row[1] for row in rows]


class FeatureEncoder:
    """Concatenates the vectors of several encoders (e.g. USE-m3 and MiniLM), each unit length."""

    def __init__(self, encoders: list[TextEncoder]) -> None:
        self.encoders = encoders

    def encode(self, texts: list[str]) -> np.ndarray:
        """Feature matrix for `texts`."""
        return np.hstack([encoder.encode(texts) for encoder in self.encoders]).astype(np.float32)


@dataclass
class EvaluationResult:
    """The numbers evaluate_intents.py reports."""

    accuracy: float
    macro_f1: float
    in_scope_accuracy: float
    oos_recall: float | None
    oos_precision: float | None
    n_train: int
    n_test: int
    train_seconds: float
    ms_per_query: float
    threshold: float

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def score(truth: list[str], predicted: list[str], oos_label: str, n_train: int, train_seconds: float,
          ms_per_query: float, threshold: float) -> EvaluationResult:
    """Accuracy (out-of-scope as one more class), macro F1, in-scope accuracy, out-of-scope recall/precision."""
    from sklearn.metrics import f1_score

    t, p = np.array(truth), np.array(predicted)
    in_scope = t != oos_label
    has_oos = bool(np.any(~in_scope))
    predicted_oos = p == oos_label
    return EvaluationResult(
        accuracy=round(float(np.mean(t == p)), 4),
        macro_f1=round(float(f1_score(t, p, average="macro", zero_division=0)), 4),
        in_scope_accuracy=round(float(np.mean(t[in_scope] == p[in_scope])), 4) if in_scope.any() else 0.0,
        oos_recall=round(float(np.mean(predicted_oos[~in_scope])), 4) if has_oos else None,
        oos_precision=(round(float(np.mean(~in_scope[predicted_oos])), 4) if predicted_oos.any() else 0.0)
        if has_oos else None,
        n_train=n_train, n_test=len(truth), train_seconds=round(train_seconds, 2),
        ms_per_query=round(ms_per_query, 3), threshold=round(threshold, 4))


class Evaluator:
    """Train on one split, choose the out-of-scope threshold without the test split, evaluate."""

    def __init__(self, features: FeatureEncoder, config: ClassifierConfig, oos_label: str = "oos",
                 folds: int = 5, recall_target: float | None = None) -> None:
        self.recall_target = recall_target
        self.features = features
        self.config = config
        self.oos_label = oos_label
        self.folds = folds

    def _threshold(self, model: IntentClassifier, texts: list[str], labels: list[str], vectors: np.ndarray,
                   val: tuple[list[str], list[str], np.ndarray] | None) -> float:
        """From --val when it has out-of-scope rows; in-scope confidences come from --val's in-scope rows,
        or from out-of-fold predictions on the training split when --val has none."""
        if val is None or self.oos_label not in val[1]:
            return 0.0
        val_texts, val_labels, val_vectors = val
        probabilities = model.probabilities(val_texts, val_vectors)
        best = np.array(model.classes)[probabilities.argmax(axis=1)]
        confidence = probabilities.max(axis=1)
        truth = np.array(val_labels)
        oos = truth == self.oos_label
        if (~oos).any():
            return choose_threshold(best[~oos] == truth[~oos], confidence[~oos], confidence[oos],
                                    recall_target=self.recall_target)
        predicted, fold_confidence, oos_confidence = out_of_fold(
            texts, labels, vectors, self.config, folds=self.folds,
            extra=([t for t, o in zip(val_texts, oos, strict=True) if o], val_vectors[oos]))
        return choose_threshold(np.array(predicted) == np.array(labels), fold_confidence, oos_confidence,
                                recall_target=self.recall_target)

    def run(self, train: tuple[list[str], list[str]], test: tuple[list[str], list[str]],
            val: tuple[list[str], list[str]] | None = None) -> EvaluationResult:
        """Train on in-scope rows of `train`, pick the threshold on `val`, evaluate on `test`."""
        pairs = [(t, y) for t, y in zip(*train, strict=True) if y != self.oos_label]
        texts, labels = [t for t, _ in pairs], [y for _, y in pairs]
        vectors = self.features.encode(texts)
        val_data = (val[0], val[1], self.features.encode(val[0])) if val else None
        started = time.perf_counter()
        model = IntentClassifier(self.config).fit(texts, labels, vectors)
        train_seconds = time.perf_counter() - started
        model.threshold = self._threshold(model, texts, labels, vectors, val_data)
        test_vectors = self.features.encode(test[0])
        started = time.perf_counter()
        predicted = []
        for text, vector in zip(test[0], test_vectors, strict=True):
            prediction = model.predict(text, vector)
            predicted.append(self.oos_label if prediction.intent == UNKNOWN else prediction.intent)
        ms = (time.perf_counter() - started) * 1000 / max(len(test[0]), 1)
        return score(test[1], predicted, self.oos_label, len(texts), train_seconds, ms, model.threshold)

    def cross_validate(self, data: tuple[list[str], list[str]], folds: int = 5) -> EvaluationResult:
        """Stratified k-fold over one labelled set (no test split given): mean of the folds' numbers."""
        from sklearn.model_selection import StratifiedKFold

        texts, labels = data
        results = []
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        for train_rows, test_rows in splitter.split(np.zeros(len(labels)), labels):
            results.append(self.run(([texts[i] for i in train_rows], [labels[i] for i in train_rows]),
                                    ([texts[i] for i in test_rows], [labels[i] for i in test_rows])))
        merged: dict = {}
        for key in asdict(results[0]):
            values = [getattr(r, key) for r in results if getattr(r, key) is not None]
            merged[key] = round(float(np.mean(values)), 4) if values else None
        merged["n_train"], merged["n_test"] = int(merged["n_train"]), len(texts)
        return EvaluationResult(**merged)
