"""The seam between the assistant and any sentence encoder."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class TextEncoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    `identity` names the model and its version; an index records it and refuses to be queried with a
    different one. Constructors are cheap; `warm_up()` loads the model and is idempotent.
    """

    identity: str
    dimensions: int

    def warm_up(self) -> None:
        """Load the model (once); later calls do nothing."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed a batch of texts: shape (len(texts), dimensions), float32, unit length rows."""
        ...

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query with the lowest latency the backend allows: shape (dimensions,)."""
        ...
