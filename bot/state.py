"""Conversation state that the policy reads and updates, kept apart from storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ConversationState:
    """What the assistant remembers between turns of one conversation."""

    language: str | None = None
    offered: list[str] = field(default_factory=list)   # FAQ ids offered in a "did you mean" question
    consecutive_failures: int = 0
    human_owned: bool = False   # set by the handoff layer while an agent owns the conversation
    last_faq_id: str | None = None
    turns: int = 0
    intake: dict[str, Any] | None = None   # the running intake form's progress (`IntakeState.to_dict()`)
    utc_offset_minutes: int | None = None  # the user's time zone, when the client says (minutes east of UTC)
