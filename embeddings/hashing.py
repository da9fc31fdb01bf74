"""A deterministic, model-free encoder (hashed character n-grams) for tests and tiny deployments."""

from __future__ import annotations

import zlib

import numpy as np


class HashingEncoder:
    """Projects character 3-grams into a fixed number of buckets; identical text gives identical vectors."""

    def __init__(self, dimensions: int = 256) -> None:
        self.dimensions = dimensions
        self.identity = f"hashing/char3@{dimensions}"

    def warm_up(self) -> None:
        """Nothing to load."""

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        padded = f"  {text.lower()}  "
        for i in range(len(padded) - 2):
            bucket = zlib.crc32(padded[i:i + 3].encode()) % self.dimensions
            vector[bucket] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed a batch."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self._vector(text) for text in texts])

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        return self._vector(text)
