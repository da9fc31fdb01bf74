"""What an action sends back to Rasa: the message the user reads and the events that update the tracker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk.executor import CollectingDispatcher


@dataclass
class ActionReply:
    """One message (with optional quick-reply buttons) and the tracker events to return. Once back on the event
    loop the action announces `opened`, the id of a handoff this call opened, and publishes `forwarded`, the
    transcript messages stored for the agent who has the conversation (as `MessageRecord.public()`)."""

    text: str
    language: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    opened: str | None = None
    forwarded: list[dict[str, Any]] = field(default_factory=list)
    session_id: str = ""

    def deliver(self, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        """Utter the message through the dispatcher and return the events for the action's result."""
        if self.buttons:
            dispatcher.utter_message(text=self.text, buttons=self.buttons)
        else:
            dispatcher.utter_message(text=self.text)
        return self.events
