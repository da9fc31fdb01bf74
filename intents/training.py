"""Training data assembly, cross-validation and threshold selection, shared by the build and the benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.kb.model import KnowledgeBase
from intents.classifier import UNKNOWN, ClassifierConfig, IntentClassifier, choose_threshold
from intents.definitions import FAQ_INTENT, IntentDefinition

Embed = Callable[[list[str]], np.ndarray]


@dataclass
class TrainingReport:
    """Cross-validated quality of the product classifier, stored in the index manifest."""

    examples: int = 0
    intents: int = 0
    cv_accuracy: float = 0.0
    cv_oos_recall: float = 0.0
    threshold: float = 0.0
    seconds: float = 0.0
    per_intent_recall: dict[str, float] = field(default_factory=dict)


def product_training_data(intents: dict[str, IntentDefinition], kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """Texts and labels: every intent example, plus the knowledge base's questions as the `faq` intent.

    An entry named after an intent (e.g. `security.account_compromised`) teaches that intent instead, so
    the FAQ about an emergency does not pull emergencies into the routine `faq` class.
    """
    texts, labels = [], []
    for name, definition in intents.items():
        if name == FAQ_INTENT:
            continue
        for _, text in definition.all_examples():
            texts.append(text)
            labels.append(name)
    for entry in kb:
        name = entry.id.split(".", 1)[1]
        label = name if name in intents and name != FAQ_INTENT else FAQ_INTENT
        for translation in entry.translations.values():
            for question in translation.questions():
                texts.append(question)
                labels.append(label)
    return texts, labels


def out_of_fold(texts: list[str], labels: list[str], vectors: np.ndarray, config: ClassifierConfig,
                folds: int = 5, seed: int = 0, extra: tuple[list[str], np.ndarray] | None = None,
                full: list[IntentClassifier] | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Prediction and top probability for every row from a model that did not see it (stratified k-fold).

    `extra` rows (e.g. out-of-scope validation examples) are scored by the same fold models and their top
    probabilities averaged, so both sides of a threshold come from equally trained models. When `full` is
    a list, a model trained on all rows is fitted alongside the folds and appended to it.
    """
    from joblib import Parallel, delayed
    from sklearn.model_selection import StratifiedKFold

    predicted = [""] * len(texts)
    confidence = np.zeros(len(texts))
    extra_confidence = np.zeros(len(extra[0]) if extra else 0)
    y = np.array(labels)
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))

    def fit(train: np.ndarray) -> IntentClassifier:
        return IntentClassifier(config).fit([texts[i] for i in train], list(y[train]), vectors[train])

    # The fits are independent; two threads use both cores (the solver spends its time in BLAS).
    jobs = [train for train, _ in splits] + ([np.arange(len(y))] if full is not None else [])
    models = Parallel(n_jobs=2, prefer="threads")(delayed(fit)(train) for train in jobs)
    if full is not None:
        full.append(models.pop())
    for model, (_, held) in zip(models, splits, strict=True):
        probabilities = model.probabilities([texts[i] for i in held], vectors[held])
        best = probabilities.argmax(axis=1)
        for row, column, p in zip(held, best, probabilities.max(axis=1), strict=True):
            predicted[row] = model.classes[column]
            confidence[row] = p
        if extra:
            extra_confidence += model.probabilities(extra[0], extra[1]).max(axis=1) / folds
    return predicted, confidence, extra_confidence


def threshold_from_predictions(labels: list[str], predicted: list[str], confidence: np.ndarray,
                               oos_label: str = UNKNOWN) -> float:
    """Choose the out-of-scope floor from (out-of-fold or validation) predictions."""
    truth = np.array(labels)
    guess = np.array(predicted)
    in_scope = truth != oos_label
    return choose_threshold(guess[in_scope] == truth[in_scope], confidence[in_scope], confidence[~in_scope],
                            guess[~in_scope] == oos_label)


def train_product_classifier(intents: dict[str, IntentDefinition], kb: KnowledgeBase, embed: Embed,
                             *, config: ClassifierConfig | None = None, folds: int = 3,
                             threshold: float | None = None) -> tuple[IntentClassifier, TrainingReport]:
    """Train the classifier the assistant serves; the threshold comes from cross-validation unless given."""
    import time

    started = time.perf_counter()
    config = config or ClassifierConfig()
    texts, labels = product_training_data(intents, kb)
    vectors = embed(texts)
    report = TrainingReport(examples=len(texts), intents=len(set(labels)))
    trained: list[IntentClassifier] = []
    if threshold is None:
        predicted, confidence, _ = out_of_fold(texts, labels, vectors, config, folds=folds, full=trained)
        threshold = threshold_from_predictions(labels, predicted, confidence)
        accepted = [p if c >= threshold else UNKNOWN for p, c in zip(predicted, confidence, strict=True)]
        truth = np.array(labels)
        hits = np.array(accepted) == truth
        report.cv_accuracy = round(float(hits[truth != UNKNOWN].mean()), 4)
        if np.any(truth == UNKNOWN):
            report.cv_oos_recall = round(float(hits[truth == UNKNOWN].mean()), 4)
        report.per_intent_recall = {name: round(float(hits[truth == name].mean()), 4) for name in sorted(set(labels))}
    classifier = trained[0] if trained else IntentClassifier(config).fit(texts, labels, vectors)
    classifier.threshold = threshold
    report.threshold = round(threshold, 4)
    report.seconds = round(time.perf_counter() - started, 2)
    return classifier, report
