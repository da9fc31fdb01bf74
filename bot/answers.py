"""Text the user reads: FAQ answers and fixed messages in their language, with operator placeholders filled."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from bot.config import BrandSettings, LanguageSettings
from bot.kb.model import FaqEntry, Translation
from bot.yamlio import load_yaml

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
MESSAGES_FILE = Path(__file__).parent / "locales" / "messages.yaml"


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace `{name}` with its value; unknown names are left as they are."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@cache
def _messages() -> dict[str, dict[str, str]]:
    return load_yaml(MESSAGES_FILE.read_text(encoding="utf-8"))


class Localizer:
    """Picks the best available language for an entry or a fixed message and fills placeholders."""

    def __init__(self, languages: LanguageSettings, brand: BrandSettings) -> None:
        self.languages = languages
        self.values = brand.placeholders()

    def translation(self, entry: FaqEntry, language: str) -> tuple[str, Translation]:
        """The entry's translation for `language`, following the fallback chain; returns (language, text)."""
        for candidate in self.languages.chain_for(language):
            if candidate in entry.translations:
                return candidate, entry.translations[candidate]
        first = next(iter(entry.translations))
        return first, entry.translations[first]

    def answer(self, entry: FaqEntry, language: str) -> str:
        """The entry's answer in the user's language (or the nearest fallback), placeholders filled."""
        return fill_placeholders(self.translation(entry, language)[1].answer, self.values)

    def title(self, entry: FaqEntry, language: str) -> str:
        """The entry's canonical question in the user's language (or the nearest fallback)."""
        return self.translation(entry, language)[1].question

    def pick(self, texts: dict[str, str], language: str, **values: str) -> str:
        """From a mapping language -> text, the best one for `language`, placeholders filled."""
        for candidate in self.languages.chain_for(language):
            if candidate in texts:
                return fill_placeholders(texts[candidate], {**self.values, **values})
        return fill_placeholders(next(iter(texts.values())), {**self.values, **values})

    def message(self, key: str, language: str, **values: str) -> str:
        """A fixed message (fallback, clarify, handoff, ...) in the user's language."""
        return self.pick(_messages()[key], language, **values)
