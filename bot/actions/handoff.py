"""The fields of a new handoff row, from a session, a redacted transcript and the turn that asked for it.

Channel-neutral (no Rasa types): the HTTP service builds the same fields from its stored transcript and could
call `handoff_fields` instead of its private copy of this logic.
"""

from __future__ import annotations

from typing import Any

from bot.handoff.packet import build_packet, handoff_reason, priority
from bot.storage.conversations import MessageRecord, SessionRecord
from bot.turn import TurnResult


def handoff_fields(session: SessionRecord, transcript: list[MessageRecord], result: TurnResult | None, *,
                   requested: bool = False, language: str | None = None,
                   context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Reason, priority, language, summary and context packet for `ConversationStore.open_handoff` (or
    `record_turn(handoff=...)`).

    `transcript` must already be redacted and include the current user message. `result` is the turn whose
    policy decided to hand off, or None when the user asked for a person (`requested`). `language` is used
    when the turn does not say; `context` adds channel-specific keys to the packet (e.g. Rasa slots).
    """
    reason = handoff_reason(result, requested)
    language = (result.language if result else None) or language or session.state.language or session.language
    packet = build_packet(session_id=session.id, reason=reason, user=session.user, language=language,
                          transcript=transcript, result=result)
    packet.update(context or {})
    return {"reason": reason, "priority": priority(reason, session.user.tier), "language": language,
            "summary": packet["summary"], "packet": packet}
