"""Opening a handoff: reason, priority, routing (live queue or off-hours ticket), packet, user notice."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.answers import Localizer
from bot.config import Settings
from bot.handoff.packet import build_packet, handoff_reason, priority
from bot.handoff.routing import Router
from bot.state import ConversationState
from bot.storage.conversations import ConversationStore, MessageRecord, SessionRecord
from bot.storage.handoffs import HandoffStore
from bot.turn import TurnResult


@dataclass(frozen=True)
class PreparedHandoff:
    """The row to store (column values) and what the user is told about it."""

    fields: dict[str, Any]
    notice: str

    @property
    def id(self) -> str:
        """The handoff's id."""
        return self.fields["id"]


class HandoffDesk:
    """Prepares every handoff the same way, whichever channel (HTTP, WebSocket, Rasa) opens it."""

    def __init__(self, settings: Settings, conversations: ConversationStore, handoffs: HandoffStore,
                 localizer: Localizer, clock=lambda: datetime.now(UTC),
                 attachments: Callable[[str], list[dict[str, Any]]] | None = None) -> None:
        self.settings = settings
        self.conversations = conversations
        self.handoffs = handoffs
        self.localizer = localizer
        self.attachments = attachments   # session id -> the files the user sent, as the packet lists them
        self.router = Router(settings.handoff)
        self._clock = clock

    def prepare(self, session: SessionRecord, result: TurnResult | None, *, requested: bool = False,
                transcript: list[MessageRecord] | None = None, extra: dict[str, Any] | None = None,
                language: str | None = None) -> PreparedHandoff:
        """Decide team, live or ticket, priority and packet for a handoff of `session`.

        `result` is the turn that triggered it (None when the user pressed "talk to a person"); its user
        message is added to the packet's transcript unless the transcript already ends with it, and its intake
        record (`result.intake_packet`) joins the packet. `transcript`
        (redacted) defaults to the stored one; `extra` joins the packet (e.g. a Rasa tracker's slots);
        `language` applies when the turn does not say.
        """
        reason = handoff_reason(result, requested)
        if transcript is None:
            transcript = self.conversations.messages(session.id)
        last_user = next((m.text for m in reversed(transcript) if m.role == "user"), None)
        if result is not None and last_user != result.user_text:
            transcript = [*transcript, MessageRecord(0, session.id, "user", result.user_text, self._clock(),
                                                     {"entities": result.entities})]
        language = (result.language if result else None) or language or session.state.language \
            or session.language or self.settings.languages.default
        packet = build_packet(session_id=session.id, reason=reason, user=session.user, language=language,
                              transcript=transcript, result=result)
        files = self.attachments(session.id) if self.attachments else []
        if files:
            packet["attachments"] = files
        if result is not None and result.intake_packet:   # the intake form's answers, finished or not
            packet["intake"] = result.intake_packet
        if extra:
            packet.update(extra)
        rank = priority(reason, session.user.tier)
        route = self.router.route(language, self._clock())
        handoff_id = str(uuid.uuid4())
        fields: dict[str, Any] = {"id": handoff_id, "reason": reason, "priority": rank, "language": language,
                                  "team": route.team, "summary": packet["summary"], "packet": packet,
                                  "kind": "live" if route.live else "ticket"}
        if route.live:
            position = self.handoffs.position(route.team, rank)
            notice = self.localizer.message("handoff_wait", language, position=str(position),
                                            minutes=str(self.router.wait_minutes(position)))
        else:
            hours = self.settings.handoff.ticket_response_hours
            fields["ticket"] = self.router.ticket_number(self.handoffs.allocate_ticket(handoff_id))
            fields["due_at"] = self._clock() + timedelta(hours=hours)
            notice = self.localizer.message("handoff_ticket", language, ticket=fields["ticket"], hours=str(hours))
        packet["route"] = {"team": route.team, "kind": fields["kind"], "ticket": fields.get("ticket")}
        return PreparedHandoff(fields, notice)

    def continue_intake(self, session: SessionRecord,
                        intake_turn: Callable[[ConversationState], TurnResult | None]) -> TurnResult | None:
        """A message while the handoff an urgent intake form opened waits for an agent: the form's next step
        (`intake_turn` runs it on the session's state), its record added to the handoff's packet. None when no
        form runs, or once an agent has claimed the handoff: the form stops there and the person asks."""
        state = session.state
        if not state.intake:
            return None
        handoff = self.handoffs.latest_for_session(session.id)
        if handoff is None or handoff.status != "queued":
            state.intake = None
            return None
        result = intake_turn(state)
        if result is not None and result.intake_packet:
            self.handoffs.amend_packet(handoff.id, "intake", result.intake_packet)
        return result
