"""The intake's own sentences (`locales.yaml`): engine messages, validator hints and check explanations."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from bot.answers import fill_placeholders
from bot.intake.schema import LANGUAGES
from bot.security import pick_language
from bot.yamlio import load_yaml

LOCALES_FILE = Path(__file__).parent / "locales.yaml"


@cache
def load_texts() -> dict[str, Any]:
    """`locales.yaml` parsed once: {"messages": {key: {lang: text}}, "hints": ..., "checks": ...}."""
    data: dict[str, Any] = load_yaml(LOCALES_FILE.read_text(encoding="utf-8"))
    return data


def language_of(language: str | None) -> str:
    """One of the 12 intake languages for `language` (zh-Hant -> zh-TW, pt-BR -> pt), else English."""
    return pick_language(language or "en", dict.fromkeys(LANGUAGES))


def localized(texts: dict[str, str], language: str, **values: str) -> str:
    """The text for `language` (English when missing) with `{placeholders}` filled."""
    text = texts.get(language_of(language)) or texts["en"]
    return fill_placeholders(text, values)


def text(section: str, key: str, language: str, **values: str) -> str:
    """A sentence of `locales.yaml` section `section` in `language`, placeholders filled."""
    return localized(load_texts()[section][key], language, **values)
