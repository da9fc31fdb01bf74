"""What an agent learns from the Rasa tracker: its messages and slots, with every secret taken out first."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker

from bot.actions.tracker import conversation_events, input_channel
from bot.errors import InputError
from bot.guard import GuardResult
from bot.pipeline import MAX_TEXT_CHARS
from bot.storage.conversations import MessageRecord

Redactor = Callable[[str], GuardResult]


def redacted_transcript(tracker: Tracker, session_id: str, redact: Redactor) -> list[MessageRecord]:
    """The tracker's user and bot messages in order, each passed through the security guard.

    User messages carry the entities the guard extracted (txids, addresses, ...), as stored turns do.
    """
    transcript = []
    for number, event in enumerate(conversation_events(tracker), start=1):
        guarded = redact(event.text[:MAX_TEXT_CHARS])
        details: dict[str, Any] = {"entities": guarded.entities} if event.role == "user" else {}
        transcript.append(MessageRecord(number, session_id, event.role, guarded.text, event.at, details))
    return transcript


def safe_slots(slots: dict[str, Any] | None, redact: Redactor) -> tuple[dict[str, Any], list[str]]:
    """The tracker's filled slots an agent may see, and the names of those withheld as possible secrets.

    Each value is checked as the line `name: value`, so the slot's name gives the guard its context
    (a `password` slot's value is a password). A value the guard would change, or cannot check, is withheld
    whole rather than stored half-redacted. Empty (None) slots are left out.
    """
    kept: dict[str, Any] = {}
    withheld: list[str] = []
    for name, value in (slots or {}).items():
        if value is None:
            continue
        rendered = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        probe = f"{name}: {rendered}"
        try:
            guarded = redact(probe)
        except InputError:   # too long to check
            withheld.append(str(name))
            continue
        if guarded.scan.findings or guarded.text != probe:
            withheld.append(str(name))
        else:
            kept[str(name)] = value
    return kept, withheld


def tracker_context(tracker: Tracker, redact: Redactor) -> dict[str, Any]:
    """The Rasa-specific part of a handoff packet: channel, sender, safe slots and withheld slot names."""
    slots, withheld = safe_slots(tracker.slots if isinstance(tracker.slots, dict) else {}, redact)
    return {"channel": {"name": "rasa", "sender_id": tracker.sender_id, "input_channel": input_channel(tracker)},
            "slots": slots, "slots_withheld": withheld}
