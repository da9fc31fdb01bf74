"""Reading what the actions need from a Rasa tracker, and refusing (MalformedTrackerError) trackers that lack it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker

from bot.actions.errors import MalformedTrackerError
from bot.kb.languages import normalise_language
from bot.notify.addresses import normalize_address
from bot.storage.conversations import UserInfo

# Fixed namespace: the same Rasa sender id always maps to the same conversation in our database.
SESSION_NAMESPACE = uuid.UUID("6f1c9d2e-5a47-4b8e-9c3d-2e7a1b4f8d60")
LANGUAGE_SLOT = "language"


@dataclass(frozen=True)
class ConversationEvent:
    """One user or bot message of the tracker's history, as Rasa sent it (not redacted yet)."""

    role: str   # "user" or "bot"
    text: str
    at: datetime


def session_id_for(tracker: Tracker, action_name: str) -> str:
    """Our session id for the tracker's conversation: a UUID derived from the Rasa sender id."""
    sender = getattr(tracker, "sender_id", None)
    if not isinstance(sender, str) or not sender.strip():
        raise MalformedTrackerError(action_name, "sender_id is missing or empty")
    return str(uuid.uuid5(SESSION_NAMESPACE, "rasa:" + sender))


def latest_text(tracker: Tracker, action_name: str) -> str:
    """The latest user message's text as sent (possibly blank); raises when there is no usable message."""
    latest = tracker.latest_message
    if not isinstance(latest, dict) or not latest:
        raise MalformedTrackerError(action_name, "latest_message is missing: there is no user message to answer")
    if "text" not in latest or latest["text"] is None:
        raise MalformedTrackerError(action_name, "latest_message has no text")
    text = latest["text"]
    if not isinstance(text, str):
        raise MalformedTrackerError(action_name, f"latest_message.text must be a string, got {type(text).__name__}")
    return text


def is_blank(text: str) -> bool:
    """True when nothing printable is left of the message (what the pipeline would call empty)."""
    return not "".join(ch for ch in text if ch.isprintable()).strip()


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """The channel's metadata of the latest user message (from latest_message or the last user event)."""
    latest = tracker.latest_message if isinstance(tracker.latest_message, dict) else {}
    metadata = latest.get("metadata")
    if not isinstance(metadata, dict) or not metadata:
        for event in reversed(_events(tracker)):
            if event.get("event") == "user":
                metadata = event.get("metadata")
                break
    return metadata if isinstance(metadata, dict) else {}


def forced_language(tracker: Tracker, supported: list[str]) -> str | None:
    """The language the channel asks for in the message metadata (`lang` or `language`), when supported."""
    metadata = message_metadata(tracker)
    return _supported(metadata.get("lang") or metadata.get("language"), supported)


def slot_language(tracker: Tracker, supported: list[str]) -> str | None:
    """The `language` slot's value, when it names a supported language."""
    slots = tracker.slots if isinstance(tracker.slots, dict) else {}
    return _supported(slots.get(LANGUAGE_SLOT), supported)


def user_info(tracker: Tracker) -> UserInfo:
    """The exchange uid, VIP tier and contact e-mail the channel sends in the metadata (`uid`/`tier`/`email` or
    `user: {...}`); an address that is not valid is ignored (the channel, not the user, sent it)."""
    metadata = message_metadata(tracker)
    nested = metadata.get("user")
    user: dict[str, Any] = nested if isinstance(nested, dict) else metadata
    uid, tier, email = user.get("uid"), user.get("tier"), user.get("email")
    return UserInfo(str(uid) if uid not in (None, "") else None, str(tier) if tier not in (None, "") else None,
                    _address(email))


def _address(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return normalize_address(value)
    except ValueError:
        return None


def conversation_events(tracker: Tracker) -> list[ConversationEvent]:
    """The user and bot messages of the tracker in order (events without text are skipped)."""
    found = []
    for event in _events(tracker):
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not isinstance(text, str) or is_blank(text):
            continue
        found.append(ConversationEvent(kind, text, _timestamp(event.get("timestamp"))))
    return found


def input_channel(tracker: Tracker) -> str | None:
    """The input channel (rest, socketio, telegram, ...) of the latest user message, when Rasa says."""
    for event in reversed(_events(tracker)):
        if event.get("event") == "user":
            channel = event.get("input_channel")
            return channel if isinstance(channel, str) else None
    return None


def _events(tracker: Tracker) -> list[dict[str, Any]]:
    events = tracker.events if isinstance(tracker.events, list) else []
    return [event for event in events if isinstance(event, dict)]


def _supported(value: Any, supported: list[str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    code = normalise_language(value.strip())
    return code if code in supported else None


def _timestamp(value: Any) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            pass
    return datetime.now(tz=UTC)
