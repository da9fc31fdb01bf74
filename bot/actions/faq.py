"""`action_faq_answer`: the assistant answers the latest user message, remembering the conversation."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.announce import announce_reply
from bot.actions.context import redacted_transcript, tracker_context
from bot.actions.errors import RejectedInput
from bot.actions.language import reply_language
from bot.actions.messages import action_message
from bot.actions.reply import ActionReply
from bot.actions.runtime import ActionRuntime, get_runtime
from bot.actions.tracker import forced_language, is_blank, latest_text, session_id_for, slot_language, user_info
from bot.errors import InputError
from bot.handoff.desk import PreparedHandoff
from bot.storage.conversations import SessionRecord
from bot.turn import TurnResult

FAQ_ANSWER = "action_faq_answer"


class ActionFaqAnswer(Action):
    """Answers `tracker.latest_message["text"]` with the assistant's pipeline in the user's language.

    Sends the reply (with one button per option when the policy asks "did you mean"), sets the slots
    `faq_id`, `faq_confidence` and `language`, and keeps the policy's state in our database under a session
    derived from the Rasa sender id. When the policy hands off, the handoff is queued and the conversation
    paused (`handoff_id` slot plus a `pause` event). Metadata `lang` forces the reply language; the
    `language` slot is a hint. A blank message gets a localized "please type your question" and no events.
    """

    def name(self) -> str:
        """The action's name in the Rasa domain."""
        return FAQ_ANSWER

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        """Answer the latest message; raises `MalformedTrackerError`/`RejectedInput` (HTTP 400) when it can't."""
        session_id = session_id_for(tracker, FAQ_ANSWER)
        text = latest_text(tracker, FAQ_ANSWER)
        reply = await asyncio.to_thread(answer, tracker, session_id, text)
        await announce_reply(reply)
        return reply.deliver(dispatcher)


def answer(tracker: Tracker, session_id: str, text: str) -> ActionReply:
    """The blocking part of the action (models and database), run in a worker thread."""
    runtime = get_runtime()
    if is_blank(text):
        session = runtime.find_session(session_id)
        language = reply_language(runtime, tracker, session)
        return ActionReply(action_message(runtime.assistant.localizer, "empty_text", language), language)
    with runtime.session_lock(session_id):
        session = runtime.conversations.ensure_session(session_id, user_info(tracker))
        if session.status == "human":
            return _forward(runtime, tracker, session, text)
        return _answer(runtime, tracker, session, text)


def _answer(runtime: ActionRuntime, tracker: Tracker, session: SessionRecord, text: str) -> ActionReply:
    supported = runtime.settings.languages.supported
    state = session.state
    state.language = slot_language(tracker, supported) or state.language
    try:
        result = runtime.assistant.ask(text, lang=forced_language(tracker, supported), state=state)
    except InputError as exc:
        raise RejectedInput(FAQ_ANSWER, str(exc)) from None
    handoff = _handoff(runtime, tracker, session, result) if result.action == "handoff" else None
    if handoff is not None:
        result.reply = f"{result.reply}\n\n{handoff.notice}"
    stored = runtime.conversations.record_turn(session.id, result.user_text, result, state,
                                               bot_details={"title": result.title, "intake": result.intake},
                                               handoff=handoff.fields if handoff else None)
    events = [SlotSet("faq_id", result.faq_id), SlotSet("faq_confidence", round(float(result.confidence), 4)),
              SlotSet("language", result.language)]
    if stored.handoff_id is not None:
        events += [SlotSet("handoff_id", stored.handoff_id), ConversationPaused()]
    buttons = [{"title": option["title"], "payload": option["title"]} for option in result.options] \
        if result.action == "clarify" else []
    return ActionReply(result.reply, result.language, buttons, events, opened=stored.handoff_id)


def _handoff(runtime: ActionRuntime, tracker: Tracker, session: SessionRecord,
             result: TurnResult) -> PreparedHandoff:
    """The handoff, with the tracker's (redacted) transcript ending with the message just answered."""
    redact = runtime.assistant.redact
    return runtime.desk.prepare(session, result, transcript=redacted_transcript(tracker, session.id, redact),
                                extra=tracker_context(tracker, redact))


def _forward(runtime: ActionRuntime, tracker: Tracker, session: SessionRecord, text: str) -> ActionReply:
    """A person owns the conversation: store the (redacted) message for them and keep Rasa paused. While an
    urgent intake form still asks and no agent has claimed the handoff, the form's next question is the reply."""
    lang = forced_language(tracker, runtime.settings.languages.supported)
    try:
        result = runtime.desk.continue_intake(session, lambda state: runtime.assistant.intake_turn(
            text, state, lang=lang))
        guarded_text = result.user_text if result else runtime.assistant.redact(text).text
    except InputError as exc:
        raise RejectedInput(FAQ_ANSWER, str(exc)) from None
    details = {"title": None, "intake": result.intake} if result else None
    stored = runtime.conversations.record_turn(session.id, guarded_text, result, session.state, bot_details=details)
    forwarded = [m.public() for m in (stored.user_message, stored.bot_message) if m is not None]
    latest = runtime.handoffs.latest_for_session(session.id)
    events: list[dict[str, Any]] = [SlotSet("handoff_id", latest.id), ConversationPaused()] if latest \
        else [ConversationPaused()]
    if result is not None:
        return ActionReply(result.reply, result.language, events=events, forwarded=forwarded, session_id=session.id)
    language = reply_language(runtime, tracker, session, fallback=latest.language if latest else None)
    return ActionReply(action_message(runtime.assistant.localizer, "forwarded", language), language,
                       events=events, forwarded=forwarded, session_id=session.id)

