"""The words of the ticket e-mails in the user's language, from bot/notify/emails.yaml, placeholders filled."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.answers import fill_placeholders
from bot.config import BrandSettings, LanguageSettings
from bot.yamlio import load_yaml

EMAILS_FILE = Path(__file__).parent / "emails.yaml"
EVENTS = ("opened", "answered", "closed")
COMMON_KEYS = ("greeting", "closing", "notice")


def keys_for(event: str) -> tuple[str, ...]:
    """The texts one event's e-mail is made of."""
    if event not in EVENTS:
        raise ValueError(f"unknown ticket event {event!r}; events are {EVENTS}")
    own = (f"{event}_subject", f"{event}_intro") + (("answered_outro",) if event == "answered" else ())
    return own + COMMON_KEYS


@cache
def _texts() -> dict[str, dict[str, str]]:
    return load_yaml(EMAILS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class MailText:
    """One e-mail's words in one language: the agent's replies (if any) go between `before` and `after`."""

    language: str
    subject: str
    before: list[str]
    after: list[str]
    notice: str


class EmailTemplates:
    """Picks the language (the user's, else the next on the fallback chain) and fills the placeholders."""

    def __init__(self, languages: LanguageSettings, brand: BrandSettings,
                 texts: dict[str, dict[str, str]] | None = None) -> None:
        self.languages = languages
        self.values = brand.placeholders()
        self.texts = texts if texts is not None else _texts()

    def language_for(self, event: str, language: str | None) -> str:
        """The first language on `language`'s fallback chain that has every text of the event's e-mail."""
        keys = keys_for(event)
        chain = self.languages.chain_for(language or self.languages.default)
        for candidate in chain:
            if all(candidate in self.texts.get(key, {}) for key in keys):
                return candidate
        raise KeyError(f"no language of {chain} has every text of the {event!r} e-mail in {EMAILS_FILE.name}")

    def render(self, event: str, language: str | None, *, ticket: str, due: str = "") -> MailText:
        """The e-mail for `event` ("opened", "answered", "closed") about `ticket`; `due` is the promised time."""
        chosen = self.language_for(event, language)
        values = {**self.values, "ticket": ticket, "due": due}

        def text(key: str) -> str:
            return fill_placeholders(self.texts[key][chosen], values)

        before = [text("greeting"), text(f"{event}_intro")]
        after = ([text("answered_outro")] if event == "answered" else []) + [text("closing")]
        return MailText(chosen, text(f"{event}_subject"), before, after, text("notice"))
