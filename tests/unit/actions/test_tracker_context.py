"""Reading Rasa trackers: session ids, metadata, languages, and what of the tracker an agent may see."""

from __future__ import annotations

import uuid

import pytest
from rasa_sdk import Tracker

from bot.actions.context import redacted_transcript, safe_slots, tracker_context
from bot.actions.payloads import RasaConversation
from bot.actions.tracker import (
    SESSION_NAMESPACE,
    conversation_events,
    forced_language,
    message_metadata,
    session_id_for,
    slot_language,
    user_info,
)
from bot.config import load_settings
from bot.guard import SecurityGuard
from bot.pipeline import clean_text

SUPPORTED = ["en", "zh-CN", "zh-TW", "ja", "ko", "ru", "es", "pt", "tr", "fr", "de", "ar"]
PASSWORD = "Hunter2!xyz"
SEED = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


@pytest.fixture(scope="module")
def redact():
    guard = SecurityGuard(load_settings().brand)
    guard.warm_up()
    return lambda text: guard.inspect(clean_text(text))   # what Assistant.redact does


def tracker(conversation: RasaConversation) -> Tracker:
    return Tracker.from_dict(conversation.tracker())


def test_session_id_is_stable_per_sender_and_distinct_between_senders():
    first = session_id_for(tracker(RasaConversation("alice").user("hi")), "a")
    assert first == session_id_for(tracker(RasaConversation("alice")), "b")
    assert first == str(uuid.uuid5(SESSION_NAMESPACE, "rasa:alice"))
    assert first != session_id_for(tracker(RasaConversation("bob")), "a")


def test_metadata_comes_from_the_latest_message_or_else_the_last_user_event():
    conversation = RasaConversation("m").user("hola", metadata={"lang": "es_ES", "tier": "vip"})
    assert message_metadata(tracker(conversation))["lang"] == "es_ES"
    state = conversation.tracker()
    state["latest_message"].pop("metadata")
    assert message_metadata(Tracker.from_dict(state))["tier"] == "vip"


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"lang": "zh_tw"}, "zh-TW"), ({"language": "DE"}, "de"), ({"lang": "xx"}, None), ({"lang": 7}, None), ({}, None)])
def test_forced_language_is_normalised_and_must_be_supported(metadata, expected):
    assert forced_language(tracker(RasaConversation("l").user("hi", metadata=metadata)), SUPPORTED) == expected


def test_slot_language_must_be_supported():
    assert slot_language(tracker(RasaConversation("s", slots={"language": "pt"})), SUPPORTED) == "pt"
    assert slot_language(tracker(RasaConversation("s", slots={"language": "klingon"})), SUPPORTED) is None
    assert slot_language(tracker(RasaConversation("s")), SUPPORTED) is None


def test_user_info_flat_or_nested():
    assert user_info(tracker(RasaConversation("u").user("hi", metadata={"uid": 42, "tier": "VIP2"}))).tier == "VIP2"
    nested = user_info(tracker(RasaConversation("u").user("hi", metadata={"user": {"uid": "U-1"}})))
    assert nested.uid == "U-1" and nested.tier is None


def test_conversation_events_keep_user_and_bot_texts_in_order_and_skip_the_rest():
    conversation = RasaConversation("e").user("hi").bot("Hello!", response="utter_greet").user("  ").user("fees?")
    state = conversation.tracker()
    state["events"].insert(0, "not an event")
    state["events"].append({"event": "bot", "text": None})
    events = conversation_events(Tracker.from_dict(state))
    assert [(e.role, e.text) for e in events] == [("user", "hi"), ("bot", "Hello!"), ("user", "fees?")]
    assert events[0].at < events[1].at < events[2].at


def test_transcript_is_redacted_and_carries_the_guards_entities(redact):
    txid = "0x" + "ab" * 32
    conversation = RasaConversation("t").user(f"my password is {PASSWORD}, txid {txid}").bot(f"echo {SEED}")
    transcript = redacted_transcript(tracker(conversation), "session-1", redact)
    assert [m.role for m in transcript] == ["user", "bot"] and [m.id for m in transcript] == [1, 2]
    assert PASSWORD not in transcript[0].text and "abandon abandon" not in transcript[1].text
    assert any(entity["kind"] == "txid" for entity in transcript[0].details["entities"])


def test_safe_slots_withhold_anything_the_guard_would_change(redact):
    kept, withheld = safe_slots({"password": PASSWORD, "notes": ["call me", f"seed: {SEED}"], "coin": "BTC",
                                 "amount": 0.5, "vip": True, "address": {"network": "TRC20"}, "empty": None,
                                 "essay": "x" * 5000}, redact)
    assert kept == {"coin": "BTC", "amount": 0.5, "vip": True, "address": {"network": "TRC20"}}
    assert sorted(withheld) == ["essay", "notes", "password"]


def test_tracker_context_names_the_channel(redact):
    context = tracker_context(tracker(RasaConversation("c", channel="slack", slots={"coin": "SOL"}).user("hi")),
                              redact)
    assert context == {"channel": {"name": "rasa", "sender_id": "c", "input_channel": "slack"},
                       "slots": {"coin": "SOL"}, "slots_withheld": []}
