"""YAML parsing with libyaml's C loader when PyYAML was built with it (several times faster)."""

from __future__ import annotations

from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML safely (no arbitrary objects), like `yaml.safe_load`."""
    return yaml.load(text, Loader=_Loader)
