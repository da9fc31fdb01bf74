"""Embedding cache keyed by (encoder, text) hash, so an edit re-embeds only the texts that changed."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np


def text_key(text: str) -> str:
    """The cache key of one text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class EmbeddingCache:
    """Vectors stored as float16 in one .npz per encoder; loads lazily, saves atomically."""

    def __init__(self, folder: Path, encoder_identity: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", encoder_identity)
        self.path = folder / f"{safe}.npz"
        self._vectors: dict[str, np.ndarray] | None = None
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            if self.path.exists():
                try:
                    with np.load(self.path, allow_pickle=False) as data:
                        self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
                except (OSError, ValueError, KeyError):
                    self._vectors = {}  # a damaged cache is only a slower build
        return self._vectors

    def embed(self, texts: list[str], encode: Callable[[list[str]], np.ndarray],
              on_batch: Callable[[int], None] | None = None, batch_size: int = 256) -> np.ndarray:
        """Vectors for `texts`, encoding only those not cached; rows are unit length float32."""
        store = self._load()
        keys = [text_key(text) for text in texts]
        missing = list(dict.fromkeys(key for key in keys if key not in store))
        by_key = dict(zip(keys, texts, strict=True))
        self.misses, self.hits = len(missing), len(set(keys)) - len(missing)
        for start in range(0, len(missing), batch_size):
            chunk = missing[start:start + batch_size]
            vectors = encode([by_key[key] for key in chunk]).astype(np.float16)
            store.update(zip(chunk, vectors, strict=True))
            if on_batch:
                on_batch(len(chunk))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        matrix = np.stack([store[key] for key in keys]).astype(np.float32)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return matrix

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache (optionally only `keep` keys) to a temporary file and rename it into place."""
        store = self._load()
        keys = [key for key in store if keep is None or key in keep]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}.npz")
        vectors = np.stack([store[key] for key in keys]) if keys else np.zeros((0, 0), dtype=np.float16)
        np.savez(tmp, keys=np.array(keys), vectors=vectors)
        os.replace(tmp, self.path)
