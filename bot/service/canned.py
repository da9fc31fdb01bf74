"""Canned replies for agents: knowledge-base entries found in any language, in the user's and the agent's language."""

from __future__ import annotations

from typing import Any

from bot.config import LanguageSettings
from bot.errors import InputError, NotFoundError
from bot.kb.languages import normalise_language
from bot.kb.model import FaqEntry
from bot.pipeline import MAX_TEXT_CHARS, Assistant
from bot.service.holder import AssistantHolder

MAX_QUERY_CHARS = MAX_TEXT_CHARS   # an agent may paste the user's whole message as the query
MAX_RESULTS = 20


class CannedReplies:
    """Searches the served knowledge base for agents and words each entry as the assistant would.

    The ranking is the assistant's own hybrid retrieval, so a query in any language finds entries; the text
    in the user's language comes from the assistant's `Localizer` (same fallback chain, same placeholders), so
    an inserted answer reads exactly like the bot's. Methods are synchronous CPU work: call them off the loop.
    """

    def __init__(self, holder: AssistantHolder, languages: LanguageSettings) -> None:
        self.holder = holder
        self.languages = languages

    def supported(self) -> dict[str, Any]:
        """The languages answers can be asked for, and the one used when nothing else fits."""
        return {"languages": list(self.languages.supported), "default": self.languages.default}

    def language(self, code: str, name: str) -> str:
        """`code` normalised (es-419 -> es, zh -> zh-CN); InputError naming `name` and the supported list."""
        normalised = normalise_language(code)
        if normalised not in self.languages.supported:
            raise InputError(f"unsupported {name} {code!r}; use one of {self.languages.supported}")
        return normalised

    def search(self, query: str, lang: str, agent_lang: str, limit: int) -> dict[str, Any]:
        """The `limit` entries best matching `query`, best first, each worded for the user and the agent."""
        lang, agent_lang = self.language(lang, "lang"), self.language(agent_lang, "agent_lang")
        if not 1 <= limit <= MAX_RESULTS:
            raise InputError(f"limit must be between 1 and {MAX_RESULTS}, got {limit}")
        assistant = self.holder.current   # one assistant for the whole request, even if a reload swaps it
        text = self._query_text(assistant, query)
        assert assistant.retriever is not None   # holder.current is always warmed up
        candidates = assistant.retriever.search(text, top_k=limit)
        index = assistant.index
        results = [self._describe(assistant, index.entries[index.entry_by_id[c.faq_id]], lang, agent_lang)
                   | {"score": c.score} for c in candidates]
        return {"lang": lang, "agent_lang": agent_lang, "results": results}

    def entry(self, faq_id: str, lang: str, agent_lang: str) -> dict[str, Any]:
        """One entry worded for the user and the agent; NotFoundError for an unknown id."""
        lang, agent_lang = self.language(lang, "lang"), self.language(agent_lang, "agent_lang")
        assistant = self.holder.current
        index = assistant.index
        position = index.entry_by_id.get(faq_id)
        if position is None:
            raise NotFoundError(f"no knowledge-base entry {faq_id!r}; find ids with /v1/agent/kb/search")
        return {"lang": lang, "agent_lang": agent_lang} | self._describe(assistant, index.entries[position],
                                                                          lang, agent_lang)

    @staticmethod
    def _query_text(assistant: Assistant, query: str) -> str:
        stripped = query.strip()
        if not stripped:
            raise InputError("q is empty: type a few words to search the knowledge base")
        if len(stripped) > MAX_QUERY_CHARS:
            raise InputError(f"q is {len(stripped)} characters long; the limit is {MAX_QUERY_CHARS}: "
                             "search with a few words")
        try:
            # The guard normalises the text like a user message and keeps pasted secrets from the encoder.
            return assistant.redact(stripped).text
        except InputError:   # only invisible characters: clean_text says "text", the caller sent "q"
            raise InputError("q has no visible characters: type a few words to search the knowledge base") from None

    @staticmethod
    def _describe(assistant: Assistant, entry: FaqEntry, lang: str, agent_lang: str) -> dict[str, Any]:
        return {"faq_id": entry.id, "category": entry.category,
                "user": _worded(assistant, entry, lang), "agent": _worded(assistant, entry, agent_lang)}


def _worded(assistant: Assistant, entry: FaqEntry, language: str) -> dict[str, str]:
    """Title and answer in `language` through the assistant's Localizer; `language` says which translation
    was used (another one when the entry lacks `language` and the fallback chain moved on)."""
    localizer = assistant.localizer
    return {"language": localizer.translation(entry, language)[0], "title": localizer.title(entry, language),
            "answer": localizer.answer(entry, language)}
