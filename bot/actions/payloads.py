"""Build the JSON Rasa 3 posts to an action server's `/webhook`, for tests and manual smoke checks.

The shapes follow Rasa's `RemoteAction` call (`next_action`, `sender_id`, `tracker`, `domain`, `version`) and
its tracker dump (`DialogueStateTracker.current_state()`): events are dicts with an `event` type and a
`timestamp`; the latest user message's parse data is repeated as `latest_message`.
"""

from __future__ import annotations

import time
import uuid
from copy import deepcopy
from typing import Any

import rasa_sdk

RASA_VERSION = rasa_sdk.__version__   # a Rasa whose major.minor matches the SDK, as deployments pair them


class RasaConversation:
    """A conversation as Rasa's tracker records it; add turns, then dump it with `tracker()`/`action_call()`."""

    def __init__(self, sender_id: str, *, slots: dict[str, Any] | None = None, channel: str = "rest",
                 metadata: dict[str, Any] | None = None) -> None:
        self.sender_id = sender_id
        self.slots: dict[str, Any] = dict(slots or {})
        self.channel = channel
        self.metadata = dict(metadata or {})
        self.clock = time.time() - 600
        self.events: list[dict[str, Any]] = []
        self.latest_message: dict[str, Any] = {}
        self.latest_action_name = "action_listen"
        self._action("action_session_start")
        self.events.append({"event": "session_started", "timestamp": self._tick()})
        self._action("action_listen")

    def user(self, text: Any, *, intent: str = "faq", metadata: dict[str, Any] | None = None,
             entities: list[dict[str, Any]] | None = None) -> RasaConversation:
        """The user says `text` (any JSON value, to build malformed payloads); Rasa classified it as `intent`."""
        message_id = uuid.uuid4().hex
        meta = {**self.metadata, **(metadata or {})}
        parse_data = {"intent": {"name": intent, "confidence": 0.97}, "entities": entities or [], "text": text,
                      "message_id": message_id, "metadata": meta,
                      "intent_ranking": [{"name": intent, "confidence": 0.97}]}
        self.events.append({"event": "user", "timestamp": self._tick(), "metadata": meta, "text": text,
                            "parse_data": parse_data, "input_channel": self.channel, "message_id": message_id})
        self.events.append({"event": "user_featurization", "timestamp": self._tick(),
                            "use_text_for_featurization": False})
        self.latest_message = deepcopy(parse_data)
        return self

    def bot(self, text: str, *, response: str | None = None,
            buttons: list[dict[str, str]] | None = None) -> RasaConversation:
        """The bot said `text` (from the domain response `response`, or from a custom action)."""
        if response:
            self._action(response)
        self.events.append({"event": "bot", "timestamp": self._tick(),
                            "metadata": {"utter_action": response} if response else {}, "text": text,
                            "data": {"elements": None, "quick_replies": None, "buttons": buttons,
                                     "attachment": None, "image": None, "custom": None}})
        return self

    def action(self, name: str, events: list[dict[str, Any]] | None = None) -> RasaConversation:
        """An action ran and returned `events` (slot events update the slots, as Rasa applies them)."""
        self._action(name)
        for event in events or []:
            self.events.append({**event, "timestamp": event.get("timestamp") or self._tick()})
            if event.get("event") == "slot":
                self.slots[event["name"]] = event.get("value")
        return self

    def tracker(self) -> dict[str, Any]:
        """The tracker dump Rasa sends as `tracker`."""
        return {
            "sender_id": self.sender_id,
            "slots": deepcopy(self.slots),
            "latest_message": deepcopy(self.latest_message),
            "latest_event_time": self.events[-1]["timestamp"],
            "followup_action": None,
            "paused": False,
            "stack": [],
            "events": deepcopy(self.events),
            "latest_input_channel": self.channel,
            "active_loop": {},
            "latest_action": {"action_name": self.latest_action_name},
            "latest_action_name": self.latest_action_name,
        }

    def action_call(self, action_name: str, domain: dict[str, Any] | None = None) -> dict[str, Any]:
        """The body Rasa posts to `/webhook` to run `action_name`."""
        return {"next_action": action_name, "sender_id": self.sender_id, "tracker": self.tracker(),
                "domain": domain if domain is not None else {}, "version": RASA_VERSION}

    def _action(self, name: str) -> None:
        self.events.append({"event": "action", "timestamp": self._tick(), "name": name, "policy": None,
                            "confidence": None, "action_text": None, "hide_rule_turn": False})
        self.latest_action_name = name

    def _tick(self) -> float:
        self.clock += 1.5
        return self.clock
