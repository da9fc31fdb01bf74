"""Accuracy of language detection on short texts: the knowledge base's alternate questions and xSID."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path

from bot.kb.model import KnowledgeBase
from bot.language import LanguageDetector

# xSID file names -> our codes (only the languages the assistant supports).
XSID_LANGUAGES = {"en": "en", "de": "de", "tr": "tr", "zh": "zh-CN", "ja": "ja", "ar": "ar"}


def kb_samples(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(language, text) for every alternate question: short, colloquial, typed like chat."""
    return [(lang, alt) for entry in kb for lang, t in entry.translations.items() for alt in t.alt_questions]


def xsid_samples(folder: Path) -> list[tuple[str, str]]:
    """(language, text) from xSID validation files of supported languages."""
    samples = []
    for name, code in XSID_LANGUAGES.items():
        path = folder / f"{name}.valid.conll"
        if path.exists():
            samples += [(code, line.split("=", 1)[1].strip()) for line in path.read_text(encoding="utf-8").splitlines()
                        if line.startswith("# text =")]
    return samples


def evaluate(detector: LanguageDetector, samples: list[tuple[str, str]]) -> dict:
    """Accuracy overall and per language, the most frequent confusions, and milliseconds per text."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter = Counter()
    started = time.perf_counter()
    for expected, text in samples:
        got = detector.detect(text)
        per[expected][0] += got == expected
        per[expected][1] += 1
        if got != expected:
            confusions[f"{expected}->{got}"] += 1
    elapsed = time.perf_counter() - started
    correct = sum(c for c, _ in per.values())
    return {"accuracy": round(correct / max(len(samples), 1), 4), "texts": len(samples),
            "by_language": {lang: round(c / t, 4) for lang, (c, t) in sorted(per.items())},
            "top_confusions": confusions.most_common(8),
            "ms_per_text": round(elapsed * 1000 / max(len(samples), 1), 3)}
