"""`action_handoff_status`: where the user's latest request for a person stands."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.language import reply_language
from bot.actions.messages import action_message
from bot.actions.reply import ActionReply
from bot.actions.runtime import get_runtime
from bot.actions.tracker import session_id_for

HANDOFF_STATUS = "action_handoff_status"


class ActionHandoffStatus(Action):
    """Tells the user, in their language, whether their latest handoff is queued (and how many conversations
    are ahead of it), claimed by an agent, resolved, or that there is none. Sets the `handoff_status` slot
    (queued / claimed / resolved / none) and, when there is a handoff, `handoff_id`."""

    def name(self) -> str:
        """The action's name in the Rasa domain."""
        return HANDOFF_STATUS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        """Report the status; raises `MalformedTrackerError` (HTTP 400) without a sender id."""
        session_id = session_id_for(tracker, HANDOFF_STATUS)
        reply = await asyncio.to_thread(handoff_status, tracker, session_id)
        return reply.deliver(dispatcher)


def handoff_status(tracker: Tracker, session_id: str) -> ActionReply:
    """The blocking part of the action (database), run in a worker thread."""
    runtime = get_runtime()
    latest = runtime.handoffs.latest_for_session(session_id)
    session = runtime.find_session(session_id)
    language = reply_language(runtime, tracker, session, fallback=latest.language if latest else None)
    status = latest.status if latest is not None else "none"
    values = {"ahead": str(runtime.handoffs.waiting_ahead(latest.id))} if latest and status == "queued" else {}
    text = action_message(runtime.assistant.localizer, f"status_{status}", language, **values)
    events = [SlotSet("handoff_status", status)]
    if latest is not None:
        events.append(SlotSet("handoff_id", latest.id))
    return ActionReply(text, language, events=events)
