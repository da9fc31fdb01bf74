"""The live WebSocket: authentication, turns, error events, and messages posted elsewhere arriving live."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.unit.service import (
    REDIS_URL,
    SEED_PHRASE,
    chat,
    new_session,
    receive_event,
    require_redis,
    services,
    transcript,
    turn_events,
)


def _url(session: dict, token: str | None = None) -> str:
    query = f"?token={token}" if token is not None else ""
    return f"/v1/ws/{session['session_id']}{query}"


def test_token_as_query_parameter_then_a_turn(client):
    """With ?token=..., a message gets the user echo, the bot's message and a "turn" event with the answer."""
    first = new_session(client)
    with client.websocket_connect(_url(first, first["session_token"])) as ws:
        ws.send_json({"type": "message", "text": "my deposit has not arrived"})
        turn, live = turn_events(ws)
    assert [m["role"] for m in live] == ["user", "bot"]
    assert live[0]["text"] == "my deposit has not arrived" and live[1]["text"] == turn["reply"]
    assert live[1]["id"] == turn["message_id"] and turn["session_id"] == first["session_id"]
    assert turn["status"] == "bot" and turn["action"] in {"answer", "clarify", "intake"} and "session_token" not in turn
    stored = services(client).chat.store.messages(first["session_id"])
    assert [m.id for m in stored[-2:]] == [m["id"] for m in live]


def test_token_in_a_first_auth_message(client):
    """Without ?token, the first message {"type": "auth", "token": ...} authenticates the socket."""
    first = new_session(client)
    with client.websocket_connect(_url(first)) as ws:
        ws.send_json({"type": "auth", "token": first["session_token"]})
        ws.send_json({"type": "message", "text": "how do I withdraw bitcoin", "lang": "es"})
        turn, live = turn_events(ws)
    assert turn["language"] == "es" and turn["action"] == "answer"
    assert [m["role"] for m in live] == ["user", "bot"]


@pytest.mark.parametrize("how", ["query", "auth-message"])
def test_wrong_token_gets_an_error_event_and_the_socket_is_closed(client, how):
    """A wrong token (either way) gets {"type": "error", "status": 403} and the socket is closed with 4403."""
    first = new_session(client)
    other = new_session(client)
    url = _url(first, other["session_token"]) if how == "query" else _url(first)
    with client.websocket_connect(url) as ws:
        if how == "auth-message":
            ws.send_json({"type": "auth", "token": "not-the-token"})
        event = receive_event(ws)
        assert event["type"] == "error" and event["status"] == 403 and "token" in event["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            receive_event(ws)
    assert closed.value.code == 4403


@pytest.mark.parametrize("first_message", ['{"type": "message", "text": "hi"}', "hello", '{"type": "auth"}'],
                         ids=["message-before-auth", "not-json", "auth-without-token"])
def test_a_first_message_that_is_not_auth_closes_the_socket(client, first_message):
    """Without ?token, anything but an auth message first is an error event (422) and a close."""
    first = new_session(client)
    with client.websocket_connect(_url(first)) as ws:
        ws.send_text(first_message)
        event = receive_event(ws)
        assert event["type"] == "error" and event["status"] == 422 and "auth" in event["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            receive_event(ws)
    assert closed.value.code == 4422


def test_no_auth_message_in_time_is_a_408_error_event(client, monkeypatch):
    """A socket that sends nothing within the auth timeout gets a 408 error event and is closed with 4408."""
    import bot.service.routes.chat as routes

    monkeypatch.setattr(routes, "AUTH_TIMEOUT_SECONDS", 0.2)
    first = new_session(client)
    with client.websocket_connect(_url(first)) as ws:
        event = receive_event(ws)
        assert event["type"] == "error" and event["status"] == 408 and "auth" in event["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            receive_event(ws)
    assert closed.value.code == 4408


def test_closing_before_auth_is_clean(client):
    """A client that leaves before authenticating ends the handler without an error (nothing stays subscribed)."""
    first = new_session(client)
    with client.websocket_connect(_url(first)) as ws:
        ws.close()
    hub = services(client).chat.hub
    assert first["session_id"] not in hub._subscribers


def test_unknown_session_is_an_error_event_404(client):
    """A socket for a session that does not exist gets a 404 error event and is closed with 4404."""
    with client.websocket_connect("/v1/ws/no-such-session?token=x") as ws:
        event = receive_event(ws)
        assert event["type"] == "error" and event["status"] == 404
        with pytest.raises(WebSocketDisconnect) as closed:
            receive_event(ws)
    assert closed.value.code == 4404


def test_malformed_json_is_an_error_event_and_the_socket_stays_open(client):
    """A malformed frame is answered with an error event; the same socket then runs a normal turn."""
    first = new_session(client)
    with client.websocket_connect(_url(first, first["session_token"])) as ws:
        ws.send_text('{"type": "message", "text": ')
        event = receive_event(ws)
        assert event["type"] == "error" and event["status"] == 422 and "JSON" in event["detail"]
        ws.send_json({"type": "message", "text": "how do I withdraw bitcoin"})
        turn, _ = turn_events(ws)
    assert turn["action"] == "answer"


def test_agent_message_posted_through_the_service_arrives_live(client):
    """`ChatService.post(session, "agent", text)` run on the app's loop reaches the user's open socket."""
    first = new_session(client)
    chat_service = services(client).chat
    with client.websocket_connect(_url(first, first["session_token"])) as ws:
        posted = client.portal.call(chat_service.post, first["session_id"], "agent", "Hi, this is Anna from support")
        event = receive_event(ws)
    assert event["type"] == "message" and event["message"] == posted
    assert posted["role"] == "agent" and posted["text"] == "Hi, this is Anna from support"
    assert transcript(client, first)["messages"][-1]["role"] == "agent"


def test_rest_turns_and_handoff_requests_reach_every_open_socket(client):
    """REST turns and a handoff request's system message reach every socket of that session and no other."""
    first = new_session(client)
    other = new_session(client)
    with client.websocket_connect(_url(first, first["session_token"])) as ws1, \
            client.websocket_connect(_url(first, first["session_token"])) as ws2, \
            client.websocket_connect(_url(other, other["session_token"])) as ws_other:
        body = chat(client, "what is the withdrawal fee", first)
        for ws in (ws1, ws2):
            events = [receive_event(ws), receive_event(ws)]
            assert [e["message"]["role"] for e in events] == ["user", "bot"]
            assert events[1]["message"]["id"] == body["message_id"]
        response = client.post(f"/v1/sessions/{first['session_id']}/handoff",
                               headers={"X-Session-Token": first["session_token"]})
        assert response.status_code == 200
        system = receive_event(ws1)["message"]
        assert system["role"] == "system" and system["handoff_id"] == response.json()["handoff_id"]
        assert receive_event(ws2)["message"] == system
        # The other session's socket saw nothing of this: its first event is its own turn.
        chat(client, "thanks", other)
        assert receive_event(ws_other)["message"]["text"] == "thanks"


def test_while_a_person_owns_the_session_socket_messages_are_queued(client):
    """After a pasted seed phrase over the socket, the next socket message is stored but gets no bot answer."""
    first = new_session(client)
    with client.websocket_connect(_url(first, first["session_token"])) as ws:
        ws.send_json({"type": "message", "text": SEED_PHRASE})
        handed, live = turn_events(ws)
        assert handed["action"] == "handoff" and handed["handoff_id"] and handed["status"] == "human"
        assert all(word not in live[0]["text"] for word in SEED_PHRASE.split()[:3])
        ws.send_json({"type": "message", "text": "are you there?"})
        queued, live = turn_events(ws, messages=1)
    assert queued["action"] == "queued" and queued["message_id"] is None and queued["status"] == "human"
    assert live[0]["role"] == "user" and live[0]["text"] == "are you there?"
    assert [m["role"] for m in transcript(client, first)["messages"]][-1] == "user"


@pytest.mark.integration
def test_agent_message_posted_on_another_instance_arrives_through_redis(make_app):
    """With Redis configured, a message posted on instance two reaches a socket connected to instance one."""
    require_redis().close()
    with TestClient(make_app(service__redis_url=REDIS_URL)) as one, \
            TestClient(make_app(service__redis_url=REDIS_URL)) as two:
        first = new_session(one)
        with one.websocket_connect(_url(first, first["session_token"])) as ws:
            posted = two.portal.call(services(two).chat.post, first["session_id"], "agent", "Hello from instance two")
            event = receive_event(ws)
            assert event["type"] == "message" and event["message"] == posted
            body = chat(two, "thanks", first)
            live = [receive_event(ws)["message"], receive_event(ws)["message"]]
            assert [m["text"] for m in live] == ["thanks", body["reply"]]
