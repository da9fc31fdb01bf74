"""`action_handoff_to_human`: queue the conversation for a support agent and pause the bot."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.announce import announce_reply
from bot.actions.context import redacted_transcript, tracker_context
from bot.actions.language import reply_language
from bot.actions.messages import action_message
from bot.actions.reply import ActionReply
from bot.actions.runtime import get_runtime
from bot.actions.tracker import session_id_for, user_info

HANDOFF_TO_HUMAN = "action_handoff_to_human"


class ActionHandoffToHuman(Action):
    """Opens a handoff in our agents' queue and tells the user, in their language, what happens next.

    The handoff's packet holds the tracker's user and bot messages and its filled slots, all passed through
    the security guard first (slots that look like secrets are withheld). Returns the `handoff_id` slot and a
    `pause` event. When the conversation already waits for or is with an agent, no second handoff is opened:
    the user is told so and the existing handoff's id is returned.
    """

    def name(self) -> str:
        """The action's name in the Rasa domain."""
        return HANDOFF_TO_HUMAN

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        """Queue the handoff; raises `MalformedTrackerError` (HTTP 400) without a sender id."""
        session_id = session_id_for(tracker, HANDOFF_TO_HUMAN)
        reply = await asyncio.to_thread(hand_over, tracker, session_id)
        await announce_reply(reply)
        return reply.deliver(dispatcher)


def hand_over(tracker: Tracker, session_id: str) -> ActionReply:
    """The blocking part of the action (guard and database), run in a worker thread."""
    runtime = get_runtime()
    localizer = runtime.assistant.localizer
    with runtime.session_lock(session_id):
        session = runtime.conversations.ensure_session(session_id, user_info(tracker))
        latest = runtime.handoffs.latest_for_session(session_id)
        language = reply_language(runtime, tracker, session)
        if session.status == "human" and latest is not None and latest.status != "resolved":
            return ActionReply(action_message(localizer, "handoff_open", language), language,
                               events=[SlotSet("handoff_id", latest.id), ConversationPaused()])
        redact = runtime.assistant.redact
        state = session.state
        extra = tracker_context(tracker, redact)
        interrupted = runtime.assistant.intake.interrupt(state)   # a running form's answers go with it
        if interrupted:
            extra["intake"] = interrupted
        prepared = runtime.desk.prepare(session, None, requested=True, language=language,
                                        transcript=redacted_transcript(tracker, session_id, redact), extra=extra)
        text = f"{localizer.message('handoff', language)}\n\n{prepared.notice}"
        runtime.conversations.open_handoff(session_id, prepared.fields, system_text=text, state=state)
    return ActionReply(text, language, events=[SlotSet("handoff_id", prepared.id), ConversationPaused()],
                       opened=prepared.id)
