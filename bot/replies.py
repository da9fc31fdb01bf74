"""Compose the reply text for a decision, in the user's language."""

from __future__ import annotations

from bot.answers import Localizer
from bot.kb.model import FaqEntry
from bot.policy import Decision
from intents.classifier import UNKNOWN
from intents.definitions import IntentDefinition


class ReplyWriter:
    """Turns a Decision into text: FAQ answers, "did you mean" lists, small talk, fallback, handoff notices."""

    def __init__(self, localizer: Localizer, intents: dict[str, IntentDefinition]) -> None:
        self.localizer = localizer
        self.intents = intents

    def _intent_reply(self, intent: str | None, language: str, turn: int) -> str | None:
        definition = self.intents.get(intent or "")
        responses = definition.responses if definition else {}
        variants = {lang: texts[turn % len(texts)] for lang, texts in responses.items() if texts}
        return self.localizer.pick(variants, language) if variants else None

    def options(self, decision: Decision, entries: dict[str, FaqEntry], language: str) -> list[dict[str, str]]:
        """The clarification choices with their titles in the user's language."""
        return [{"faq_id": faq_id, "title": self.localizer.title(entries[faq_id], language)}
                for faq_id in decision.options]

    def write(self, decision: Decision, entries: dict[str, FaqEntry], language: str, turn: int = 0) -> str:
        """The reply text for `decision`."""
        if decision.action == "answer" and decision.faq_id:
            return self.localizer.answer(entries[decision.faq_id], language)
        if decision.action == "clarify":
            lines = [f"{i}. {option['title']}" for i, option in
                     enumerate(self.options(decision, entries, language), start=1)]
            return self.localizer.message("clarify", language, options="\n".join(lines))
        if decision.action == "reply":
            return self._intent_reply(decision.intent, language, turn) or self.localizer.message("fallback", language)
        if decision.action == "handoff":
            notice = self.localizer.message("handoff", language)
            if decision.faq_id:
                return self.localizer.answer(entries[decision.faq_id], language) + "\n\n" + notice
            if decision.failure:
                return notice
            return self._intent_reply(decision.intent, language, turn) or notice
        if decision.intent == UNKNOWN:
            return self._intent_reply(UNKNOWN, language, turn) or self.localizer.message("fallback", language)
        return self.localizer.message("fallback", language)
