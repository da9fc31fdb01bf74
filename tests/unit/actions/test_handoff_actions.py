"""action_handoff_to_human and action_handoff_status run directly against a real (SQLite) handoff queue."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import ActionFaqAnswer, ActionHandoffStatus, ActionHandoffToHuman
from bot.actions.errors import MalformedTrackerError
from bot.actions.messages import action_messages
from bot.actions.payloads import RasaConversation
from bot.actions.tracker import session_id_for
from bot.storage.api_tokens import TokenStore

PASSWORD = "Hunter2!xyz"


@pytest.fixture(scope="module")
def agent(runtime) -> int:
    principal, _ = TokenStore(runtime.database).create("alice")
    return principal.id


def run(action: Action, conversation: RasaConversation) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, Tracker.from_dict(conversation.tracker()), {}))
    return dispatcher.messages, events


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def session_of(conversation: RasaConversation) -> str:
    return session_id_for(Tracker.from_dict(conversation.tracker()), "test")


def chinese_conversation() -> RasaConversation:
    conversation = RasaConversation(f"tg-{uuid.uuid4().hex[:8]}", channel="telegram",
                                    slots={"language": "zh-CN", "faq_id": "deposit.not_arrived", "password": PASSWORD,
                                           "order_note": f"my password is {PASSWORD}", "coin": "USDT",
                                           "requested_slot": None})
    conversation.user("我的充值还没到账").bot("您的充值可能还在等待区块确认。", response="utter_deposit")
    conversation.user(f"还是没到，我的密码是 {PASSWORD}，转人工", intent="request_human")
    return conversation


def test_handoff_opens_a_queued_handoff_with_the_redacted_tracker(runtime):
    conversation = chinese_conversation()
    messages, events = run(ActionHandoffToHuman(), conversation)
    assert messages[0]["text"].startswith(runtime.assistant.localizer.message("handoff", "zh-CN") + "\n\n")
    assert events[-1] == {"event": "pause", "timestamp": None}
    handoff = runtime.handoffs.get(slots(events)["handoff_id"])
    assert handoff.status == "queued" and handoff.reason == "user_request" and handoff.language == "zh-CN"
    assert handoff.session_id == session_of(conversation)
    packet = handoff.packet
    assert [(m["role"], m["text"]) for m in packet["transcript"][:2]] == [
        ("user", "我的充值还没到账"), ("bot", "您的充值可能还在等待区块确认。")]
    assert PASSWORD not in str(packet) and PASSWORD not in handoff.summary
    assert "[REDACTED:password]" in packet["transcript"][2]["text"]
    assert packet["slots"] == {"language": "zh-CN", "faq_id": "deposit.not_arrived", "coin": "USDT"}
    assert sorted(packet["slots_withheld"]) == ["order_note", "password"]
    assert packet["channel"] == {"name": "rasa", "sender_id": conversation.sender_id, "input_channel": "telegram"}
    system = runtime.conversations.messages(handoff.session_id)[-1]
    assert system.role == "system" and system.details["handoff_id"] == handoff.id
    assert runtime.conversations.get(handoff.session_id).status == "human"


def test_a_second_request_reuses_the_open_handoff(runtime):
    conversation = chinese_conversation()
    _, first = run(ActionHandoffToHuman(), conversation)
    messages, second = run(ActionHandoffToHuman(), conversation)
    assert messages[0]["text"] == action_messages()["handoff_open"]["zh-CN"]
    assert slots(second)["handoff_id"] == slots(first)["handoff_id"]
    assert second[-1]["event"] == "pause"
    session_id = session_of(conversation)
    assert [h.id for h in runtime.handoffs.queue("queued", limit=1000) if h.session_id == session_id] == [
        slots(first)["handoff_id"]]


def test_vip_tier_from_metadata_sets_the_priority(runtime):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}", metadata={"uid": "U-77", "tier": "VIP3"})
    conversation.user("I need a human please", intent="request_human")
    _, events = run(ActionHandoffToHuman(), conversation)
    handoff = runtime.handoffs.get(slots(events)["handoff_id"])
    assert handoff.priority == 13 and handoff.packet["user"] == {"uid": "U-77", "tier": "VIP3"}
    assert handoff.language == "en"


def test_status_follows_the_handoff_through_the_queue(runtime, agent):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}", slots={"language": "ar"})
    conversation.user("ما حالة طلبي؟", intent="ask_handoff_status")
    texts = action_messages()
    messages, events = run(ActionHandoffStatus(), conversation)
    assert messages[0]["text"] == texts["status_none"]["ar"] and events == [
        {"event": "slot", "timestamp": None, "name": "handoff_status", "value": "none"}]

    conversation.user("أريد التحدث مع موظف", intent="request_human")
    _, events = run(ActionHandoffToHuman(), conversation)
    handoff_id = slots(events)["handoff_id"]
    ahead = runtime.handoffs.waiting_ahead(handoff_id)
    conversation.user("ما حالة طلبي؟", intent="ask_handoff_status")
    messages, events = run(ActionHandoffStatus(), conversation)
    assert messages[0]["text"] == texts["status_queued"]["ar"].replace("{ahead}", str(ahead))
    assert slots(events) == {"handoff_status": "queued", "handoff_id": handoff_id}

    runtime.handoffs.claim(handoff_id, agent)
    messages, events = run(ActionHandoffStatus(), conversation)
    assert messages[0]["text"] == texts["status_claimed"]["ar"] and slots(events)["handoff_status"] == "claimed"

    runtime.handoffs.resolve(handoff_id, agent)
    messages, events = run(ActionHandoffStatus(), conversation)
    assert messages[0]["text"] == texts["status_resolved"]["ar"] and slots(events)["handoff_status"] == "resolved"


def test_after_a_resolved_handoff_a_new_one_can_be_opened(runtime, agent):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("talk to an agent", intent="request_human")
    _, events = run(ActionHandoffToHuman(), conversation)
    first = slots(events)["handoff_id"]
    runtime.handoffs.claim(first, agent)
    runtime.handoffs.resolve(first, agent)
    _, events = run(ActionHandoffToHuman(), conversation)
    assert slots(events)["handoff_id"] != first
    assert runtime.handoffs.get(slots(events)["handoff_id"]).status == "queued"


def test_status_language_is_detected_from_the_message_without_a_slot(runtime):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("¿ya me atendió un agente?",
                                                                         intent="ask_handoff_status")
    messages, _ = run(ActionHandoffStatus(), conversation)
    assert messages[0]["text"] == action_messages()["status_none"]["es"]


def test_status_of_an_intent_payload_uses_the_default_language(runtime):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("/ask_handoff_status",
                                                                         intent="ask_handoff_status")
    messages, _ = run(ActionHandoffStatus(), conversation)
    assert messages[0]["text"] == action_messages()["status_none"]["en"]


@pytest.mark.parametrize("action", [ActionHandoffToHuman(), ActionHandoffStatus()])
def test_missing_sender_is_rejected(runtime, action):
    state = RasaConversation("   ").user("hello").tracker()
    with pytest.raises(MalformedTrackerError) as caught:
        asyncio.run(action.run(CollectingDispatcher(), Tracker.from_dict(state), {}))
    assert caught.value.message == f"{action.name()}: malformed tracker: sender_id is missing or empty"


def test_handoff_without_any_message_still_opens(runtime):
    """Rasa can run the action from a rule or a button before the user typed anything."""
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}", slots={"language": "de"})
    messages, events = run(ActionHandoffToHuman(), conversation)
    assert messages[0]["text"].startswith(runtime.assistant.localizer.message("handoff", "de") + "\n\n")
    handoff = runtime.handoffs.get(slots(events)["handoff_id"])
    assert handoff.packet["transcript"] == [] and handoff.language == "de"


def test_asking_for_a_person_during_an_intake_form_takes_its_answers_along(runtime):
    """As in the web chat, the form stops and what it collected joins the handoff's packet."""
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("My crypto deposit has not arrived")
    _, events = run(ActionFaqAnswer(), conversation)
    conversation.action("action_faq_answer", events).user("USDT")
    _, events = run(ActionFaqAnswer(), conversation)
    assert runtime.conversations.get(session_of(conversation)).state.intake is not None
    conversation.action("action_faq_answer", events).user("I want a person", intent="request_human")
    _, events = run(ActionHandoffToHuman(), conversation)
    packet = runtime.handoffs.get(slots(events)["handoff_id"]).packet
    assert packet["intake"]["fields"] == {"coin": "USDT"} and packet["intake"]["interrupted"] is True
    assert runtime.conversations.get(session_of(conversation)).state.intake is None
