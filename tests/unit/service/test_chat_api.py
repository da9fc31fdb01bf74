"""POST /v1/chat and the transcript: sessions and tokens, persistence, handoff and the queued turns after it."""

from __future__ import annotations

from datetime import datetime

from bot.storage.conversations import ConversationStore
from bot.storage.handoffs import HandoffStore
from bot.turn import TurnResult
from tests.unit.service import SEED_PHRASE, chat, new_session, services, transcript

ASK_FIELDS = set(TurnResult(action="answer", reply="", language="en").to_dict())
SERVICE_FIELDS = {"session_id", "message_id", "handoff_id", "status"}


def test_first_turn_opens_a_session_and_returns_its_token_once(client):
    """A turn without session_id opens a session, returns id + token; the next turn does not repeat the token."""
    first = new_session(client)
    assert first["session_id"] and len(first["session_token"]) >= 32
    assert isinstance(first["message_id"], int) and first["status"] == "bot" and first["handoff_id"] is None
    second = chat(client, "and how long does a withdrawal take?", first)
    assert second["session_id"] == first["session_id"]
    assert second.get("session_token") is None
    assert second["message_id"] > first["message_id"]


def test_response_has_every_ask_field_plus_the_service_fields(client):
    """The body holds every `Assistant.ask` field plus session_id, message_id, handoff_id and status."""
    body = new_session(client)
    assert set(body) >= ASK_FIELDS | SERVICE_FIELDS
    assert body["action"] == "answer" and body["faq_id"] and body["language"] == "en"
    assert body["reply"] and isinstance(body["candidates"], list) and 0 <= body["confidence"] <= 1


def test_wrong_or_missing_token_is_403_and_unknown_session_404(client):
    """An existing session needs its own token (403 otherwise, on chat and transcript); an unknown id is 404."""
    first = new_session(client)
    other = new_session(client)
    for headers in ({}, {"X-Session-Token": "nope"}, {"X-Session-Token": other["session_token"]}):
        response = client.post("/v1/chat", json={"text": "hi", "session_id": first["session_id"]}, headers=headers)
        assert response.status_code == 403 and "token" in response.json()["detail"]
        response = client.get(f"/v1/sessions/{first['session_id']}/messages", headers=headers)
        assert response.status_code == 403 and "token" in response.json()["detail"]
    response = client.post("/v1/chat", json={"text": "hi", "session_id": "0" * 36},
                           headers={"X-Session-Token": first["session_token"]})
    assert response.status_code == 404 and "does not exist" in response.json()["detail"]
    response = client.get("/v1/sessions/no-such-session/messages", headers={"X-Session-Token": "x"})
    assert response.status_code == 404


def test_transcript_lists_user_and_bot_messages_in_order_with_times(client):
    """The transcript alternates user and bot messages, oldest first, with ids ascending and ISO times."""
    first = new_session(client, "how do I withdraw bitcoin")
    chat(client, "my deposit has not arrived", first)
    body = transcript(client, first)
    assert body["session_id"] == first["session_id"] and body["status"] == "bot"
    messages = body["messages"]
    assert [m["role"] for m in messages] == ["user", "bot", "user", "bot"]
    assert [m["text"] for m in messages[::2]] == ["how do I withdraw bitcoin", "my deposit has not arrived"]
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)
    times = [datetime.fromisoformat(m["created_at"]) for m in messages]
    assert times == sorted(times)
    assert messages[1]["id"] == first["message_id"] and messages[1]["text"] == first["reply"]
    later = client.get(f"/v1/sessions/{first['session_id']}/messages", params={"after_id": messages[1]["id"]},
                       headers={"X-Session-Token": first["session_token"]}).json()["messages"]
    assert [m["id"] for m in later] == [m["id"] for m in messages[2:]]


def test_transcript_bot_messages_carry_action_and_faq_id(client):
    """A bot message in the transcript says which action it was and which FAQ entry it answered with."""
    first = new_session(client)
    bot = transcript(client, first)["messages"][1]
    assert bot["action"] == first["action"] == "answer" and bot["faq_id"] == first["faq_id"]


def test_transcript_times_carry_their_utc_offset(client):
    """Message times are stored as UTC and come back with their +00:00 offset on every database."""
    first = new_session(client)
    live = services(client).chat.store.messages(first["session_id"])
    assert all(m.created_at.tzinfo is not None for m in live)
    times = [datetime.fromisoformat(m["created_at"]) for m in transcript(client, first)["messages"]]
    assert all(t.utcoffset() is not None and t.utcoffset().total_seconds() == 0 for t in times)


def test_every_accepted_message_is_stored_when_the_response_arrives(client):
    """Right after each 200, the user's message and the bot's reply are rows of the database."""
    store = ConversationStore(services(client).database)
    session = None
    texts = ["how do I withdraw bitcoin", "what is the fee", "my deposit has not arrived", "thanks"]
    for i, text in enumerate(texts):
        body = chat(client, text, session)
        session = session or body
        stored = store.messages(session["session_id"])
        assert [m.text for m in stored if m.role == "user"] == texts[:i + 1]
        assert stored[-1].role == "bot" and stored[-1].id == body["message_id"] and stored[-1].text == body["reply"]


def test_user_info_is_kept_with_the_session(client):
    """The embedding site's uid and tier are stored on the session (and a numeric tier becomes text)."""
    body = chat(client, "how do I withdraw bitcoin", user={"uid": "u-1234", "tier": 3})
    record = services(client).chat.store.get(body["session_id"])
    assert record.user.uid == "u-1234" and record.user.tier == "3"


def test_forced_language_is_used_for_the_reply(client):
    """`lang` forces the reply language and is remembered as the session's language."""
    body = chat(client, "how do I withdraw bitcoin", lang="fr")
    assert body["language"] == "fr"
    assert services(client).chat.store.get(body["session_id"]).language == "fr"


def test_pasted_seed_phrase_opens_a_handoff_and_later_messages_are_queued(client):
    """A pasted seed phrase opens a handoff (row, status human); the next message is stored but "queued"."""
    first = new_session(client)
    handed = chat(client, f"is this safe? {SEED_PHRASE}", first)
    assert handed["action"] == "handoff" and handed["status"] == "human" and handed["handoff_id"]
    assert "security_emergency" in handed["reasons"] and "secret:seed_phrase" in handed["flags"]
    database = services(client).database
    handoff = HandoffStore(database).get(handed["handoff_id"])
    assert handoff.session_id == first["session_id"] and handoff.status == "queued" and handoff.reason == "security"
    assert handoff.priority >= 100
    store = ConversationStore(database)
    assert store.get(first["session_id"]).status == "human"
    before = len(store.messages(first["session_id"]))

    queued = chat(client, "hello? is anyone there", first)
    assert queued["action"] == "queued" and queued["status"] == "human" and queued["reply"] == ""
    assert queued["message_id"] is None and queued["handoff_id"] is None
    stored = store.messages(first["session_id"])
    assert len(stored) == before + 1 and stored[-1].role == "user" and stored[-1].text == "hello? is anyone there"
    roles = [m["role"] for m in transcript(client, first)["messages"]]
    assert roles == ["user", "bot", "user", "bot", "user"]


def test_unknown_lang_is_refused_while_a_person_owns_the_session(client):
    """A turn the bot does not answer still validates `lang` (422 naming the supported languages)."""
    first = new_session(client)
    chat(client, SEED_PHRASE, first)
    response = client.post("/v1/chat", json={"text": "hello", "session_id": first["session_id"], "lang": "xx"},
                           headers={"X-Session-Token": first["session_token"]})
    assert response.status_code == 422 and "unsupported lang 'xx'" in response.json()["detail"]


def test_queued_messages_are_redacted_too(client):
    """While a person owns the session, a pasted private key is still removed before it is stored."""
    first = new_session(client)
    chat(client, SEED_PHRASE, first)
    key = "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35"
    queued = chat(client, f"my private key is {key}", first)
    assert queued["action"] == "queued"
    last = services(client).chat.store.messages(first["session_id"])[-1]
    assert key not in last.text and "REDACTED" in last.text


def test_handoff_priority_counts_the_vip_tier(client):
    """A security handoff of a VIP3 user outranks the same handoff of a regular user."""
    vip = chat(client, SEED_PHRASE, user={"uid": "v", "tier": "vip3"})
    regular = chat(client, SEED_PHRASE)
    store = HandoffStore(services(client).database)
    assert store.get(vip["handoff_id"]).priority > store.get(regular["handoff_id"]).priority
    assert [h.id for h in store.queue()][:2] == [vip["handoff_id"], regular["handoff_id"]]


def test_repeated_failures_hand_the_session_over(client):
    """Two turns the bot cannot help with in a row open a handoff (repeated_failure)."""
    first = new_session(client, "hello")
    assert first["action"] == "fallback"
    second = chat(client, "hello", first)
    assert second["action"] == "handoff" and second["handoff_id"] and second["status"] == "human"
    assert any(reason.startswith("repeated_failure") for reason in second["reasons"])
