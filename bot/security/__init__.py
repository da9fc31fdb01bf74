"""The security guard: secrets a user pasted (`secrets`), phishing links and impostors (`phishing`), and the
support details in a message (`entities`). The localised warnings live in `locales.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from bot.kb.languages import normalise_language
from bot.yamlio import load_yaml

LOCALES_FILE = Path(__file__).parent / "locales.yaml"
DEFAULT_LANGUAGE = "en"


@cache
def load_locales() -> dict[str, Any]:
    """The warning texts of `locales.yaml`, parsed once."""
    data: dict[str, Any] = load_yaml(LOCALES_FILE.read_text(encoding="utf-8"))
    return data


def pick_language(language: str, available: dict[str, Any]) -> str:
    """The key of `available` to use for `language` (zh-Hant -> zh-TW, pt-BR -> pt, ja-JP -> ja), else English."""
    code = normalise_language(language or DEFAULT_LANGUAGE)
    if code in available:
        return code
    base = code.split("-")[0].lower()
    return base if base in available else DEFAULT_LANGUAGE
