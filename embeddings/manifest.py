"""The manifest written with every index: what built it, from what, and when."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.errors import IndexError_

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"


@dataclass
class Manifest:
    """Identity of an index; an index is refused when its encoder differs from the configured one."""

    encoder: str
    dimensions: int
    kb_hash: str
    built_at: str
    entries: int
    texts: int
    languages: list[str]
    index_type: str
    format_version: int = FORMAT_VERSION
    calibration: dict[str, float] = field(default_factory=dict)
    selftest: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        """Write manifest.json into `folder`."""
        (folder / MANIFEST_NAME).write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False),
                                            encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Read manifest.json from `folder`, with a message that says to rebuild when it is unusable."""
        path = folder / MANIFEST_NAME
        if not path.exists():
            raise IndexError_(f"no index at {folder}: run `python scripts/build_index.py` to build it")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**data)
        except (ValueError, TypeError) as exc:
            raise IndexError_(f"unreadable manifest {path} ({exc}): rebuild with `python scripts/build_index.py`"
                              ) from None
        if manifest.format_version != FORMAT_VERSION:
            raise IndexError_(f"index at {folder} has format {manifest.format_version}, this code reads "
                              f"{FORMAT_VERSION}: rebuild with `python scripts/build_index.py`")
        return manifest

    def check_encoder(self, identity: str, dimensions: int) -> None:
        """Refuse an index built with another encoder than the one configured now."""
        if self.encoder != identity or self.dimensions != dimensions:
            raise IndexError_(
                f"the index was built with encoder {self.encoder!r} ({self.dimensions}-d) but the configured "
                f"encoder is {identity!r} ({dimensions}-d): rebuild with `python scripts/build_index.py`")
