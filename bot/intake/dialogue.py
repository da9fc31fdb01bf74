"""Guided intake inside the assistant's turns: which decisions start a form, the form's later turns, and the
record a handoff carries while or after the form runs.

The form's progress lives in `ConversationState.intake` (the engine's `IntakeState` as a dict), so every
channel that keeps the conversation state (HTTP, WebSocket, CLI, Rasa) runs the same intake.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from bot.config import Settings
from bot.intake.checks import DEFAULT_CONFIRMATION_MINUTES
from bot.intake.engine import EntityLike, IntakeEngine
from bot.intake.schema import FormSpec
from bot.intake.state import IntakeState, IntakeStep
from bot.intake.status import StatusBoard
from bot.policy import Decision
from bot.state import ConversationState

# Handoffs a form may replace: the entry or the intent asks for a person, not a failure or the user's request.
STARTING_REASONS = ("entry_flagged_handoff", "handoff_intent:account_compromised")


class IntakeDialogue:
    """Starts and continues intake forms for the assistant. Call `warm_up()` before use."""

    def __init__(self, settings: Settings, reference: Callable[[str, str], str] | None = None) -> None:
        self.settings = settings
        self.reference = reference   # (faq_id, language) -> the entry's answer, shown under a check's finding
        self.engine: IntakeEngine | None = None

    def warm_up(self) -> None:
        """Load the forms and open the operator's status file (idempotent)."""
        if self.engine is not None:
            return
        config = self.settings.intake
        self.engine = IntakeEngine(status=StatusBoard(self.settings.resolve(config.status_file)),
                                   confirmation_minutes={**DEFAULT_CONFIRMATION_MINUTES, **config.confirmation_minutes},
                                   placeholders=self.settings.brand.placeholders(), max_attempts=config.max_attempts,
                                   reference=self.reference)

    @property
    def _engine(self) -> IntakeEngine:
        self.warm_up()
        assert self.engine is not None
        return self.engine

    def form_for(self, decision: Decision) -> FormSpec | None:
        """The form this decision starts: an answer from a form's FAQ entry, or a handoff the entry or a
        security intent asked for. Failures and "talk to a person" hand off at once."""
        if not self.settings.intake.enabled or decision.action not in ("answer", "handoff"):
            return None
        if decision.action == "handoff" and not any(reason in decision.reasons for reason in STARTING_REASONS):
            return None
        by_entry = self._engine.form_for(faq_id=decision.faq_id) if decision.faq_id else None
        by_intent = any(reason.startswith("handoff_intent:") for reason in decision.reasons)
        return by_entry or (self._engine.form_for(intent=decision.intent) if by_intent else None)

    def start(self, form: FormSpec, text: str, entities: Iterable[EntityLike], language: str,
              state: ConversationState) -> IntakeStep:
        """Begin `form`, filling what the first message already says; the progress goes into `state`."""
        step = self._engine.start(form.id, language, entities, text=text,
                                  utc_offset_minutes=state.utc_offset_minutes or 0)
        self._keep(step, state)
        return step

    def running(self, state: ConversationState) -> IntakeState | None:
        """The unfinished intake of this conversation, if any."""
        if not state.intake:
            return None
        current = IntakeState.from_dict(copy.deepcopy(state.intake))   # the engine edits it in place
        if current.finished or current.form_id not in self._engine.forms:
            state.intake = None   # a form removed since: forget it rather than fail the conversation
            return None
        return current

    def answer(self, current: IntakeState, text: str, entities: Iterable[EntityLike], state: ConversationState, *,
               language: str | None = None) -> IntakeStep:
        """The form's next step after the user's (redacted) message; the progress goes into `state`."""
        step = self._engine.answer(current, text, entities, language=language)
        self._keep(step, state)
        return step

    def aside(self, faq_id: str, current: IntakeState) -> bool:
        """Whether an answer from `faq_id` may come in between the form's questions: any entry but the form's own
        (the form is already about that one)."""
        form = self._engine.forms[current.form_id]
        return faq_id not in form.faq_ids

    def question(self, current: IntakeState) -> str:
        """The form's pending question (or summary), asked again after an answer in between."""
        return self._engine.question(current)

    def packet(self, current: IntakeState) -> dict[str, Any]:
        """What the form holds so far, for a handoff packet."""
        return self._engine.packet(self._engine.forms[current.form_id], current)

    def interrupt(self, state: ConversationState) -> dict[str, Any] | None:
        """Stop the running form (the conversation goes to a person for another reason); its facts so far."""
        current = self.running(state)
        state.intake = None
        return self.packet(current) | {"interrupted": True} if current else None

    @staticmethod
    def _keep(step: IntakeStep, state: ConversationState) -> None:
        state.intake = None if step.state.finished else step.state.to_dict()
