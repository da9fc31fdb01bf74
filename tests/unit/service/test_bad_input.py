"""Bad input never makes a 500: each case gets a 4xx whose `detail` names the problem (or a sensible 200)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from bot.storage.api_tokens import TokenStore
from bot.storage.models import Base, ChatSession
from tests.unit.service import chat, new_session, receive_event, services, turn_events

JSON = {"content-type": "application/json"}


def _rejected(response, status: int, *words: str) -> str:
    """Assert the status and that the detail mentions every word; return the detail."""
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    for word in words:
        assert word.lower() in detail.lower(), detail
    return detail


@pytest.mark.parametrize(("body", "words"), [
    ({"text": ""}, ["empty"]),
    ({"text": "   \n\t  "}, ["empty"]),
    ({"text": "\x00\x01\x07\x1b\u200b"}, ["empty"]),
    ({"text": "a" * 5000}, ["5000", "4000"]),
    ({"text": "a" * 9000}, ["text", "8000"]),
    ({"lang": "en"}, ["text", "required"]),
    ({"text": 42}, ["text", "string"]),
    ({"text": None}, ["text", "string"]),
    ({"text": ["hi"]}, ["text", "string"]),
    ({"text": "hello", "lang": "xx"}, ["unsupported lang 'xx'", "en", "zh-CN", "ar"]),
    ({"text": "hello", "lang": "x" * 40}, ["lang", "16"]),
    ({"text": "hello", "lang": 5}, ["lang", "string"]),
    ({"text": "hello", "colour": "blue"}, ["colour", "not permitted"]),
    ({"text": "hello", "session_id": 5}, ["session_id", "string"]),
    ({"text": "hello", "session_id": "s" * 100}, ["session_id", "64"]),
    ({"text": "hello", "user": {"uid": "u", "role": "admin"}}, ["user.role", "not permitted"]),
    ({"text": "hello", "user": {"tier": "t" * 40}}, ["tier", "32"]),
    ({"text": "hello", "user": "vip"}, ["user"]),
], ids=["empty", "whitespace", "control-chars", "5000-chars", "9000-chars", "missing-text", "text-number",
        "text-null", "text-list", "unknown-lang", "long-lang", "lang-number", "extra-field", "session-number",
        "long-session", "user-extra", "long-tier", "user-string"])
def test_invalid_chat_bodies_are_422_naming_the_problem(module_client, body, words):
    """Each invalid /v1/chat body is a 422 whose detail names the field or rule."""
    _rejected(module_client.post("/v1/chat", json=body), 422, *words)


@pytest.mark.parametrize(("content", "headers", "status", "words"), [
    (b'{"text": ', JSON, 422, ["not valid JSON"]),
    (b"\xff\xfe{}", JSON, 422, ["UTF-8"]),   # a UTF-16 byte-order mark: json decodes it as UTF-16
    (b'{"text": "caf\xe9"}', JSON, 400, ["UTF-8"]),
    (b'["how do I withdraw"]', JSON, 422, ["JSON object"]),
    (b'"how do I withdraw"', JSON, 422, ["JSON object"]),
    (b"42", JSON, 422, ["JSON object"]),
    (b"null", JSON, 422, ["JSON object"]),
    (b"", JSON, 422, ["missing"]),
    (b'{"text": 1' + b"0" * 5000 + b"}", JSON, 400, ["could not be parsed"]),
    (b'{"text": "hello"}', {"content-type": "text/plain"}, 422, ["Content-Type: application/json", "text/plain"]),
    (b"text=hello", {"content-type": "application/x-www-form-urlencoded"}, 422, ["application/json"]),
], ids=["truncated-json", "invalid-utf8", "latin1-text", "array", "string", "number", "null", "empty-body",
        "huge-number", "text-plain", "form"])
def test_malformed_chat_bodies_are_4xx_naming_the_problem(module_client, content, headers, status, words):
    """Bodies that are not a UTF-8 JSON object are rejected with a detail that says what to send."""
    _rejected(module_client.post("/v1/chat", content=content, headers=headers), status, *words)


def test_a_megabyte_body_is_413_from_the_body_limit(module_client):
    """A 1 MB message is stopped by the body limit (413) before it is parsed."""
    _rejected(module_client.post("/v1/chat", json={"text": "a" * 1_000_000}), 413, "65536 bytes")


def test_a_streamed_body_over_the_limit_is_413_too(module_client):
    """A chunked body without Content-Length that grows past the limit is a 413, not a parse error."""

    def chunks():
        yield b'{"text": "'
        for _ in range(10):
            yield b"a" * 10_000
        yield b'"}'

    _rejected(module_client.post("/v1/chat", content=chunks(), headers=JSON), 413, "65536 bytes")


def test_no_session_is_opened_for_a_rejected_first_message(client):
    """An empty first message or an unknown lang is refused before a session is created for it."""
    database = services(client).database

    def sessions() -> int:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(ChatSession))

    new_session(client)
    before = sessions()
    _rejected(client.post("/v1/chat", json={"text": "  "}), 422, "empty")
    _rejected(client.post("/v1/chat", json={"text": "hello", "lang": "xx"}), 422, "unsupported lang")
    assert sessions() == before
    assert chat(client, "how do I withdraw", lang="zh_cn")["language"] == "zh-CN"


@pytest.mark.parametrize("text", ["😀🚀🔥", "🙏", "👍👍👍 ✅"], ids=["three", "one", "mixed"])
def test_emoji_only_gets_a_sensible_reply(module_client, text):
    """A message of emoji only is answered (200) with a non-empty reply in a supported language."""
    body = chat(module_client, text)
    assert body["reply"].strip() and body["action"] in {"answer", "clarify", "reply", "fallback"}
    assert body["language"] in services(module_client).settings.languages.supported


def test_html_and_script_are_stored_as_plain_text(client):
    """HTML is neither rejected nor interpreted: it is answered and stored exactly as typed."""
    text = "<script>alert('x')</script><img src=x onerror=alert(1)> <b>withdraw</b> &amp;"
    body = chat(client, text)
    stored = services(client).chat.store.messages(body["session_id"])
    assert stored[0].role == "user" and stored[0].text == text


def test_sql_fragments_are_harmless(client):
    """SQL in a message is stored verbatim and every table is still there afterwards."""
    texts = ["'; DROP TABLE messages; --", "1' OR '1'='1", "\"); DELETE FROM chat_sessions; --",
             "Robert'); DROP TABLE handoffs;--"]
    session = None
    for text in texts:
        body = chat(client, text, session)
        session = session or body
    database = services(client).database
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(database.engine).get_table_names())
    stored = [m.text for m in services(client).chat.store.messages(session["session_id"]) if m.role == "user"]
    assert stored == texts
    assert chat(client, "how do I withdraw bitcoin", session)["action"] == "answer"


def test_unknown_endpoint_and_wrong_method(module_client):
    """An unknown path is a 404 and a wrong method a 405, both with a JSON detail pointing to /docs."""
    client = module_client
    _rejected(client.get("/v1/nothing-here"), 404, "no such endpoint", "/docs")
    _rejected(client.post("/v2/chat", json={"text": "hi"}), 404, "no such endpoint")
    response = client.get("/v1/chat")
    _rejected(response, 405, "method not allowed")
    assert "POST" in response.headers["allow"]
    _rejected(client.delete("/healthz"), 405, "method not allowed")


def test_transcript_query_out_of_range_is_422(client):
    """An after_id beyond 64 bits is refused with 422 (not a driver overflow 500); a non-number too."""
    first = new_session(client)
    headers = {"X-Session-Token": first["session_token"]}
    url = f"/v1/sessions/{first['session_id']}/messages"
    _rejected(client.get(url, params={"after_id": 2**63}, headers=headers), 422, "after_id")
    _rejected(client.get(url, params={"after_id": "ten"}, headers=headers), 422, "after_id")
    assert client.get(url, params={"after_id": -5}, headers=headers).status_code == 200


class TestFeedbackInput:
    """Feedback on something that is not a bot answer of this session."""

    @pytest.fixture
    def client(self, module_client):
        """The module's app: every test opens its own sessions."""
        return module_client

    @pytest.fixture
    def session(self, client):
        """A session with one answered turn."""
        return new_session(client)

    def _post(self, client, session, body):
        return client.post(f"/v1/sessions/{session['session_id']}/feedback", json=body,
                           headers={"X-Session-Token": session["session_token"]})

    def test_unknown_message_is_404(self, client, session):
        """A message id that does not exist is a 404 naming the id."""
        _rejected(self._post(client, session, {"message_id": 987654, "helpful": True}), 404, "987654")

    def test_message_of_another_session_is_404(self, client, session):
        """A bot message of someone else's session cannot be rated through this session (404)."""
        other = new_session(client)
        _rejected(self._post(client, session, {"message_id": other["message_id"], "helpful": True}), 404,
                  str(other["message_id"]), "not a message of this session")

    def test_user_message_is_422(self, client, session):
        """Rating the user's own message is refused: only bot answers are rated."""
        user_id = services(client).chat.store.messages(session["session_id"])[0].id
        _rejected(self._post(client, session, {"message_id": user_id, "helpful": False}), 422, "user message")

    @pytest.mark.parametrize(("body", "words"), [
        ({"helpful": True}, ["message_id", "required"]),
        ({"message_id": 0, "helpful": True}, ["message_id", "greater than or equal to 1"]),
        ({"message_id": 2**63, "helpful": True}, ["message_id", "less than or equal"]),
        ({"message_id": "one", "helpful": True}, ["message_id"]),
        ({"message_id": 1}, ["helpful", "required"]),
        ({"message_id": 1, "helpful": "maybe"}, ["helpful", "boolean"]),
        ({"message_id": 1, "helpful": True, "comment": "c" * 2001}, ["comment", "2000"]),
        ({"message_id": 1, "helpful": True, "stars": 5}, ["stars", "not permitted"]),
    ], ids=["no-id", "zero-id", "huge-id", "text-id", "no-verdict", "bad-verdict", "long-comment", "extra"])
    def test_invalid_feedback_bodies_are_422(self, client, session, body, words):
        """Each invalid feedback body is a 422 naming the field."""
        _rejected(self._post(client, session, body), 422, *words)

    def test_feedback_without_token_is_403(self, client, session):
        """Feedback needs the session token."""
        response = client.post(f"/v1/sessions/{session['session_id']}/feedback",
                               json={"message_id": session["message_id"], "helpful": True})
        _rejected(response, 403, "token")


@pytest.mark.parametrize(("raw", "words"), [
    ("not json", ["send JSON"]),
    ('["message", "hi"]', ["send JSON"]),
    ('{"type": "typing"}', ["send JSON"]),
    ('{"type": "message"}', ["text must be a string"]),
    ('{"type": "message", "text": 42}', ["text must be a string"]),
    ('{"type": "message", "text": "hi", "lang": 3}', ["lang"]),
    ('{"type": "message", "text": "   "}', ["empty"]),
    ('{"type": "message", "text": "hello", "lang": "xx"}', ["unsupported lang"]),
    ('{"type": "message", "text": "' + "a" * 5000 + '"}', ["4000"]),
    ('{"type": "message", "text": "' + "a" * 70_000 + '"}', ["65536 bytes"]),
    ('{"type": "message", "text": "' + "币" * 30_000 + '"}', ["65536 bytes"]),
    ("[" * 30_000 + "]" * 30_000, ["send JSON"]),
], ids=["not-json", "array", "wrong-type", "no-text", "text-number", "lang-number", "blank", "unknown-lang",
        "5000-chars", "over-body-limit", "over-limit-in-utf8-bytes", "deeply-nested"])
def test_bad_websocket_messages_get_an_error_event_and_the_socket_stays_open(module_client, raw, words):
    """A bad WebSocket message gets {"type": "error", "status": 4xx, "detail": ...}; the next good one works."""
    client = module_client
    first = new_session(client)
    with client.websocket_connect(f"/v1/ws/{first['session_id']}?token={first['session_token']}") as ws:
        ws.send_text(raw)
        event = receive_event(ws)
        assert event["type"] == "error" and 400 <= event["status"] < 500, event
        for word in words:
            assert word.lower() in event["detail"].lower(), event
        ws.send_json({"type": "message", "text": "how do I withdraw bitcoin"})
        turn, live = turn_events(ws)
        assert turn["action"] == "answer" and [m["role"] for m in live] == ["user", "bot"]


def test_binary_websocket_frames_are_read_as_utf8(module_client):
    """A binary frame holding UTF-8 JSON is a normal message; undecodable bytes are an error event."""
    first = new_session(module_client)
    with module_client.websocket_connect(f"/v1/ws/{first['session_id']}?token={first['session_token']}") as ws:
        ws.send_bytes(b"\xff\xfe\x00")
        event = receive_event(ws)
        assert event["type"] == "error" and event["status"] == 422
        ws.send_bytes(b'{"type": "message", "text": "how do I withdraw bitcoin"}')
        turn, _ = turn_events(ws)
    assert turn["action"] == "answer"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/v1/sessions/%00/messages", None),
    ("PUT", "/v1/sessions/%00/contact", {"email": "a@example.com"}),
    ("POST", "/v1/sessions/%00/handoff", None),
    ("POST", "/v1/chat", {"text": "hello", "session_id": "\u0000"}),
])
def test_ids_with_nul_characters_are_404_on_every_database(client, method, path, body):
    """PostgreSQL refuses NUL in text with an error; an id the service never makes is simply unknown."""
    response = client.request(method, path, json=body, headers={"X-Session-Token": "t"})
    _rejected(response, 404, "does not exist")


def test_handoff_ids_with_nul_characters_are_404_for_agents(client):
    _, token = TokenStore(services(client).database).create("anna", "agent")
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in [("GET", "/v1/handoffs/%00"), ("POST", "/v1/handoffs/%00/claim"),
                         ("POST", "/v1/handoffs/%00/resolve")]:
        _rejected(client.request(method, path, headers=headers), 404, "does not exist")
