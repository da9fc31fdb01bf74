"""Any local sentence-transformers model directory; torch is imported only when this backend is used."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np


class SentenceTransformerEncoder:
    """Loads a model from a local directory, offline; used for larger multilingual models or MiniLM."""

    def __init__(self, model_path: Path | str, device: str = "cpu") -> None:
        self.model_path = Path(model_path)
        self.device = device
        self.identity = f"sentence-transformers/{self.model_path.name}@{self._fingerprint()}"
        self.dimensions = self._read_dimensions()
        self._model: Any = None

    def _fingerprint(self) -> str:
        config = self.model_path / "config.json"
        if not config.exists():
            return "unknown"
        import hashlib

        return hashlib.sha256(config.read_bytes()).hexdigest()[:12]

    def _read_dimensions(self) -> int:
        pooling = self.model_path / "1_Pooling" / "config.json"
        if pooling.exists():
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        config = self.model_path / "config.json"
        if config.exists():
            return int(json.loads(config.read_text()).get("hidden_size", 0))
        return 0

    def warm_up(self) -> None:
        """Load the model from disk with the hub switched off."""
        if self._model is not None:
            return
        if not self.model_path.is_dir():
            raise FileNotFoundError(f"sentence-transformers model folder not found: {self.model_path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(self.model_path), device=self.device)
        self.dimensions = int(self._model.get_embedding_dimension() or self.dimensions)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed a batch, normalised."""
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        return self.encode([text])[0]
