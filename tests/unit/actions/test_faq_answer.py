"""action_faq_answer run directly: answers, clarifications, handoffs, stored turns and refused trackers."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import ActionFaqAnswer
from bot.actions.errors import MalformedTrackerError, RejectedInput
from bot.actions.messages import action_messages
from bot.actions.payloads import RasaConversation
from bot.actions.tracker import SESSION_NAMESPACE, session_id_for
from bot.pipeline import MAX_TEXT_CHARS
from bot.storage.api_tokens import TokenStore

SEED = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


def run(conversation: RasaConversation) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the action on the conversation's tracker; returns (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    tracker = Tracker.from_dict(conversation.tracker())
    events = asyncio.run(ActionFaqAnswer().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def sender() -> str:
    return f"web-{uuid.uuid4().hex[:8]}"


def test_answers_in_english_and_stores_the_turn(runtime):
    conversation = RasaConversation(sender()).user("withdrawal fee for BTC")
    messages, events = run(conversation)
    assert len(messages) == 1 and "withdrawal fee depends on the coin" in messages[0]["text"]
    assert messages[0]["buttons"] == []
    assert slots(events)["faq_id"] == "withdraw.fees"
    assert slots(events)["language"] == "en"
    assert isinstance(slots(events)["faq_confidence"], float) and slots(events)["faq_confidence"] > 0.5
    assert not any(event["event"] == "pause" for event in events)
    session_id = str(uuid.uuid5(SESSION_NAMESPACE, "rasa:" + conversation.sender_id))
    assert session_id == _session(conversation)
    stored = runtime.conversations.messages(session_id)
    assert [(m.role, m.text) for m in stored] == [("user", "withdrawal fee for BTC"), ("bot", messages[0]["text"])]
    assert runtime.conversations.get(session_id).state.last_faq_id == "withdraw.fees"


def test_answers_in_spanish(runtime):
    messages, events = run(RasaConversation(sender()).user("¿Cuáles son las comisiones de retiro?"))
    assert "comisión de retiro depende" in messages[0]["text"]
    assert slots(events) == {**slots(events), "faq_id": "withdraw.fees", "language": "es"}


def test_metadata_lang_forces_the_reply_language(runtime):
    conversation = RasaConversation(sender(), metadata={"lang": "es"}).user("What are the withdrawal fees")
    messages, events = run(conversation)
    assert slots(events)["language"] == "es"
    assert "comisión de retiro depende" in messages[0]["text"]


def test_unsupported_metadata_lang_is_ignored(runtime):
    _, events = run(RasaConversation(sender(), metadata={"lang": "xx"}).user("What are the withdrawal fees"))
    assert slots(events)["language"] == "en"


def test_clarify_sends_buttons_and_the_next_turn_resolves_the_choice(runtime):
    conversation = RasaConversation(sender()).user("asdf qwer")
    messages, events = run(conversation)
    assert slots(events)["faq_id"] is None
    buttons = messages[0]["buttons"]
    options = runtime.conversations.messages(_session(conversation))[-1].details["options"]
    assert buttons == [{"title": o["title"], "payload": o["title"]} for o in options] and len(buttons) >= 2
    # The user presses the second button: the channel sends its payload as the next message.
    conversation.action("action_faq_answer", events).user(buttons[1]["payload"])
    _, events = run(conversation)
    assert slots(events)["faq_id"] == options[1]["faq_id"]


def test_clarify_then_the_second_one(runtime):
    conversation = RasaConversation(sender()).user("asdf qwer")
    _, events = run(conversation)
    options = runtime.conversations.messages(_session(conversation))[-1].details["options"]
    conversation.action("action_faq_answer", events).user("the second one")
    _, events = run(conversation)
    assert slots(events)["faq_id"] == options[1]["faq_id"]


def test_seed_phrase_hands_off_pauses_and_never_stores_the_secret(runtime):
    conversation = RasaConversation(sender(), metadata={"user": {"uid": "U-1", "tier": "VIP2"}},
                                    slots={"language": None, "wallet_words": SEED, "coin": "USDT"})
    conversation.user("hi").bot("Hello! How can I help?", response="utter_greet")
    conversation.user(f"my seed phrase is {SEED} is my wallet safe?")
    messages, events = run(conversation)
    assert "seed phrase" in messages[0]["text"] and "abandon abandon" not in messages[0]["text"]
    assert events[-1]["event"] == "pause"
    handoff_id = slots(events)["handoff_id"]
    handoff = runtime.handoffs.get(handoff_id)
    assert handoff.reason == "security" and handoff.priority == 112 and handoff.status == "queued"
    packet = handoff.packet
    assert [m["role"] for m in packet["transcript"]] == ["user", "bot", "user"]
    assert "[REDACTED:seed_phrase]" in packet["transcript"][-1]["text"]
    assert packet["slots"] == {"coin": "USDT"} and packet["slots_withheld"] == ["wallet_words"]
    assert packet["user"] == {"uid": "U-1", "tier": "VIP2"}
    assert packet["channel"]["sender_id"] == conversation.sender_id
    assert "abandon abandon" not in str(packet) and "abandon abandon" not in handoff.summary
    stored = runtime.conversations.messages(_session(conversation))
    assert all("abandon abandon" not in m.text for m in stored)
    assert runtime.conversations.get(_session(conversation)).status == "human"


def test_messages_while_an_agent_owns_the_conversation_are_forwarded(runtime):
    conversation = RasaConversation(sender(), slots={"language": "es"})
    conversation.user(f"mi frase semilla es {SEED}")
    _, events = run(conversation)
    handoff_id = slots(events)["handoff_id"]
    conversation.action("action_faq_answer", events).user("¿hola? mi contraseña es Secreta123!")
    messages, events = run(conversation)
    assert messages[0]["text"] == action_messages()["forwarded"]["es"]
    assert events == [{"event": "slot", "timestamp": None, "name": "handoff_id", "value": handoff_id},
                      {"event": "pause", "timestamp": None}]
    last = runtime.conversations.messages(_session(conversation))[-1]
    assert last.role == "user" and "Secreta123!" not in last.text


def test_blank_text_asks_for_a_question_in_the_slot_language(runtime):
    conversation = RasaConversation(sender(), slots={"language": "ar"}).user("   \u200b ")
    messages, events = run(conversation)
    assert messages[0]["text"] == action_messages()["empty_text"]["ar"]
    assert events == []
    assert runtime.find_session(_session(conversation)) is None


@pytest.mark.parametrize(("latest", "problem"), [
    (None, "latest_message is missing: there is no user message to answer"),
    ({}, "latest_message is missing: there is no user message to answer"),
    ({"intent": {"name": "faq"}}, "latest_message has no text"),
    ({"text": 42}, "latest_message.text must be a string, got int"),
    ({"text": ["how", "to", "withdraw"]}, "latest_message.text must be a string, got list"),
])
def test_malformed_latest_message_is_rejected_with_a_clear_message(runtime, latest, problem):
    state = RasaConversation(sender()).tracker()
    state["latest_message"] = latest
    with pytest.raises(MalformedTrackerError) as caught:
        asyncio.run(ActionFaqAnswer().run(CollectingDispatcher(), Tracker.from_dict(state), {}))
    assert caught.value.message == f"action_faq_answer: malformed tracker: {problem}"
    assert caught.value.action_name == "action_faq_answer"


def test_tracker_without_latest_message_key_is_rejected(runtime):
    state = RasaConversation(sender()).tracker()
    del state["latest_message"]
    with pytest.raises(MalformedTrackerError, match="latest_message is missing"):
        asyncio.run(ActionFaqAnswer().run(CollectingDispatcher(), Tracker.from_dict(state), {}))


def test_empty_sender_id_is_rejected(runtime):
    state = RasaConversation("").user("hello").tracker()
    with pytest.raises(MalformedTrackerError, match="sender_id is missing or empty"):
        asyncio.run(ActionFaqAnswer().run(CollectingDispatcher(), Tracker.from_dict(state), {}))


def test_overlong_text_is_rejected_with_the_limit(runtime):
    conversation = RasaConversation(sender()).user("fee " * (MAX_TEXT_CHARS // 2))
    with pytest.raises(RejectedInput, match=f"the limit is {MAX_TEXT_CHARS}"):
        run(conversation)


def _session(conversation: RasaConversation) -> str:
    return session_id_for(Tracker.from_dict(conversation.tracker()), "test")


def test_an_intake_form_runs_through_the_action_and_its_answers_reach_the_handoff(runtime):
    """The form's progress is kept in our conversation state, so Rasa needs nothing but action_faq_answer."""
    conversation = RasaConversation(sender()).user("forgot the XRP destination tag")
    messages, events = run(conversation)
    assert "What happened?" in messages[0]["text"] and "handoff_id" not in slots(events)
    answers = {"issue": "the memo was missing", "coin": "XRP", "network": "XRP", "amount": "250 XRP",
               "txid": "4f3c2a1b" * 8}
    for _ in range(12):
        intake = runtime.conversations.messages(_session(conversation))[-1].details["intake"]
        if intake is None or intake["step"] == "summary":
            break
        conversation.action("action_faq_answer", events).user(answers.get(intake["field"] or "", "skip"))
        messages, events = run(conversation)
    conversation.action("action_faq_answer", events).user("yes")
    _, events = run(conversation)
    assert any(event["event"] == "pause" for event in events)
    packet = runtime.handoffs.get(slots(events)["handoff_id"]).packet
    assert packet["intake"]["form"] == "wrong_network" and packet["intake"]["fields"]["coin"] == "XRP"
    assert packet["channel"]["name"] == "rasa"   # the tracker's context is kept beside the form's record


def test_an_urgent_forms_questions_go_on_through_rasa_until_an_agent_claims(runtime):
    """The hacked-account form hands off at once and keeps asking; its answers grow the waiting handoff's packet."""
    conversation = RasaConversation(sender()).user("hello")
    run(conversation)
    session = runtime.conversations.get(_session(conversation))
    state = session.state
    form = runtime.assistant.intake.engine.forms["account_compromised"]
    runtime.assistant.intake.start(form, "my account was hacked", [], "en", state)
    prepared = runtime.desk.prepare(session, None, requested=True)
    runtime.conversations.record_turn(session.id, "my account was hacked", None, state, handoff=prepared.fields)
    conversation.action("action_faq_answer", []).user("my UID is 48213377")
    messages, events = run(conversation)
    assert any(event["event"] == "pause" for event in events)
    assert messages[0]["text"] != action_messages()["forwarded"]["en"]   # the form's next question, not "forwarded"
    assert runtime.handoffs.get(prepared.id).packet["intake"]["fields"] == {"uid": "48213377"}
    runtime.handoffs.claim(prepared.id, agent_id=_agent(runtime))
    conversation.action("action_faq_answer", events).user("they changed my email too")
    messages, _ = run(conversation)
    assert runtime.conversations.get(session.id).state.intake is None   # the agent asks from now on


def _agent(runtime) -> int:
    record, _ = TokenStore(runtime.database).create(f"agent-{uuid.uuid4().hex[:6]}", "agent")
    return record.id


def test_a_contact_address_in_the_channels_metadata_is_kept_for_ticket_emails(runtime):
    """Rasa users cannot call the contact endpoint; the channel may pass `user.email` (checked, never echoed)."""
    conversation = RasaConversation(sender(), metadata={"user": {"uid": "U-7", "email": "Ana@Example.COM"}})
    messages, _ = run(conversation.user("withdrawal fee for BTC"))
    session_id = _session(conversation)
    assert runtime.conversations.contact_email(session_id) == "Ana@example.com"
    assert "Ana@" not in messages[0]["text"]
    broken = RasaConversation(sender(), metadata={"user": {"email": "not an address"}})
    run(broken.user("withdrawal fee for BTC"))
    assert runtime.conversations.contact_email(_session(broken)) is None
