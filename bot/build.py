"""Build the FAQ index: validate and lint the knowledge base, embed, index, self-test, publish atomically."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.errors import IndexError_, KnowledgeBaseError
from bot.kb.lint import lint_knowledge_base
from bot.kb.loader import load_knowledge_base
from bot.kb.model import KnowledgeBase
from bot.kb.selftest import fit_calibration, run_selftest
from bot.retrieval import HybridRetriever
from embeddings.cache import EmbeddingCache
from embeddings.factory import make_encoder
from embeddings.index import FaqIndex, Row, make_dense_index, missing_files
from embeddings.lexical import LexicalIndex
from embeddings.manifest import Manifest
from embeddings.protocol import TextEncoder
from embeddings.store import discard, new_build_folder, publish
from intents.classifier import CLASSIFIER_FILE
from intents.definitions import INTENTS_DIR, intents_hash, load_intents
from intents.training import train_product_classifier

# Long answers add little beyond their opening; embedding only the start keeps builds fast. Measured with
# the self-test: 600 -> 250 characters costs 0.001 top-1 and halves the time spent embedding answers.
ANSWER_CHARS = 250


@dataclass
class BuildResult:
    """What a build did, for the summary line and for tests."""

    folder: Path
    entries: int = 0
    languages: list[str] = field(default_factory=list)
    texts: int = 0
    embedded: int = 0
    seconds: float = 0.0
    skipped: bool = False
    selftest: dict = field(default_factory=dict)
    intents: dict = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


def index_rows(kb: KnowledgeBase) -> tuple[list[str], list[Row]]:
    """Every text to index (question, alternates, answer opening; every language) and its row."""
    texts, rows = [], []
    for position, entry in enumerate(kb):
        for lang, translation in entry.translations.items():
            texts.append(translation.question)
            rows.append(Row(position, lang, "question"))
            for alt in translation.alt_questions:
                texts.append(alt)
                rows.append(Row(position, lang, "alt"))
            texts.append(translation.answer[:ANSWER_CHARS])
            rows.append(Row(position, lang, "answer"))
    return texts, rows


class _Progress:
    """A progress bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self.total, self.done, self.label, self.enabled = total, 0, label, enabled and total > 0
        self.bar = None
        self.next_line = 0.0
        if self.enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit="text", file=sys.stderr)

    def __call__(self, step: int) -> None:
        self.done += step
        if self.bar is not None:
            self.bar.update(step)
        elif self.enabled and (time.monotonic() >= self.next_line or self.done >= self.total):
            print(f"{self.label}: {self.done}/{self.total} texts", file=sys.stderr, flush=True)
            self.next_line = time.monotonic() + 5

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def load_validated(settings: Settings, kb_path: Path) -> KnowledgeBase:
    """Load and validate against the schema; raise KnowledgeBaseError with every problem."""
    return load_knowledge_base(kb_path, required_languages=settings.knowledge_base.required_languages,
                               min_alt_questions=settings.knowledge_base.min_alt_questions)


def lint(settings: Settings, kb: KnowledgeBase) -> None:
    """Raise KnowledgeBaseError when an answer asks for a secret, links off the official domains, etc."""
    problems = lint_knowledge_base(kb, settings.brand.placeholders(), settings.brand.official_domains)
    if problems:
        raise KnowledgeBaseError(problems)


def load_and_check(settings: Settings, kb_path: Path) -> KnowledgeBase:
    """Load, validate and lint; raise KnowledgeBaseError with every problem."""
    kb = load_validated(settings, kb_path)
    lint(settings, kb)
    return kb


def is_current(folder: Path, kb: KnowledgeBase, encoder: TextEncoder, intents_digest: str | None) -> bool:
    """True when `folder` holds a complete index of this knowledge base and these intents, by this encoder."""
    try:
        manifest = Manifest.load(folder)
    except IndexError_:
        return False
    if missing_files(folder):
        return False
    return (manifest.kb_hash == kb.content_hash() and manifest.encoder == encoder.identity
            and manifest.extra.get("intents_hash") == intents_digest)


def build_index(settings: Settings, *, kb_path: Path | None = None, out: Path | None = None,
                if_stale: bool = False, progress: bool = True, selftest: bool = True,
                encoder: TextEncoder | None = None, intents_dir: Path | None = INTENTS_DIR) -> BuildResult:
    """Build (or, with `if_stale`, reuse) the index and intent classifier and publish them atomically.

    `intents_dir=None` builds retrieval only (the assistant then decides from retrieval scores alone).
    """
    started = time.perf_counter()
    target = settings.resolve(out or settings.index.dir)
    kb = load_validated(settings, settings.resolve(kb_path or settings.knowledge_base.path))
    intents = load_intents(intents_dir) if intents_dir is not None else {}
    digest = intents_hash(intents) if intents else None
    encoder = encoder or make_encoder(settings)
    if if_stale and is_current(target, kb, encoder, digest):
        # Linted when it was built: the content hash is the same.
        return BuildResult(target, entries=len(kb), languages=kb.languages(), skipped=True,
                           seconds=time.perf_counter() - started)
    lint(settings, kb)
    timings: dict[str, float] = {}
    phase = time.perf_counter()
    encoder.warm_up()
    texts, rows = index_rows(kb)
    cache = EmbeddingCache(settings.resolve(settings.index.cache_dir), encoder.identity)
    bar = _Progress(len(texts), "embedding", progress)
    vectors = cache.embed(texts, encoder.encode, on_batch=bar, batch_size=settings.encoder.batch_size)
    bar.close()
    embedded = cache.misses
    dense = make_dense_index(vectors, approximate_above=settings.index.approximate_above,
                             lists=settings.index.ivf_lists)
    if hasattr(dense, "nprobe"):
        dense.nprobe = settings.index.ivf_probe
    manifest = Manifest(
        encoder=encoder.identity, dimensions=encoder.dimensions, kb_hash=kb.content_hash(),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), entries=len(kb), texts=len(texts),
        languages=kb.languages(), index_type=type(dense).__name__)
    index = FaqIndex(manifest, dense, LexicalIndex.build(texts), rows, list(kb))
    timings["embed_and_index"], phase = time.perf_counter() - phase, time.perf_counter()
    if selftest:
        report = run_selftest(HybridRetriever(index, encoder, settings.retrieval), texts, vectors)
        manifest.calibration = fit_calibration(report.samples)
        manifest.selftest = report.summary()
        timings["selftest"], phase = time.perf_counter() - phase, time.perf_counter()
    classifier = None
    if intents:
        def embed(batch: list[str]):
            return cache.embed(batch, encoder.encode, batch_size=settings.encoder.batch_size)

        classifier, training = train_product_classifier(intents, kb, embed,
                                                        threshold=settings.policy.intent_threshold)
        manifest.extra.update(intents_hash=digest, intents=training.__dict__)
        timings["intents"], phase = time.perf_counter() - phase, time.perf_counter()
    build = new_build_folder(target)
    try:
        index.save(build)
        if classifier is not None:
            classifier.save(build / CLASSIFIER_FILE, {"encoder": encoder.identity, "intents_hash": digest})
        publish(build, target)
    except BaseException:
        discard(build)
        raise
    cache.save()
    timings["write"] = time.perf_counter() - phase
    return BuildResult(target, entries=len(kb), languages=kb.languages(), texts=len(texts),
                       embedded=embedded, seconds=time.perf_counter() - started, selftest=manifest.selftest,
                       intents=manifest.extra.get("intents", {}),
                       timings={name: round(value, 2) for name, value in timings.items()})
