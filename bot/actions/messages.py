"""The Rasa actions' own fixed sentences (bot/actions/messages.yaml) in the user's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.answers import Localizer
from bot.yamlio import load_yaml

MESSAGES_FILE = Path(__file__).parent / "messages.yaml"


@cache
def action_messages() -> dict[str, dict[str, str]]:
    """Every message key with its texts per language, read once."""
    return load_yaml(MESSAGES_FILE.read_text(encoding="utf-8"))


def action_message(localizer: Localizer, key: str, language: str, **values: str) -> str:
    """The message `key` in `language` (or the nearest language on the fallback chain), placeholders filled."""
    return localizer.pick(action_messages()[key], language, **values)
