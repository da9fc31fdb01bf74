"""Service tests: the FastAPI app on a small hashing-encoder index, on SQLite and PostgreSQL.

Helpers shared by the test modules live here; the fixtures are in conftest.py.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from fastapi.testclient import TestClient
from mnemonic import Mnemonic

REDIS_URL = "redis://127.0.0.1:6379/0"

# A valid 12-word phrase: pasting it is a security emergency, so the turn hands the session to a person.
SEED_PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


def require_redis() -> Any:
    """A client of the test Redis, or skip the test saying where Redis was looked for."""
    import pytest
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return client


def services(client: TestClient) -> Any:
    """The app's `Services` (store, chat service, database, metrics...)."""
    return client.app.state.services  # type: ignore[attr-defined]


def chat(client: TestClient, text: str, session: dict[str, Any] | None = None, *, expect: int = 200,
         **fields: Any) -> dict[str, Any]:
    """POST /v1/chat (in `session`, a previous response holding session_id and session_token) and check the status."""
    body: dict[str, Any] = {"text": text, **fields}
    headers = {}
    if session is not None:
        body["session_id"] = session["session_id"]
        headers["X-Session-Token"] = session["session_token"]
    response = client.post("/v1/chat", json=body, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()


def new_session(client: TestClient, text: str = "how do I withdraw bitcoin") -> dict[str, Any]:
    """A first turn: its response, with session_id and session_token."""
    first = chat(client, text)
    assert first["session_token"]
    return first


def transcript(client: TestClient, session: dict[str, Any]) -> dict[str, Any]:
    """GET the session's transcript."""
    response = client.get(f"/v1/sessions/{session['session_id']}/messages",
                          headers={"X-Session-Token": session["session_token"]})
    assert response.status_code == 200, response.text
    return response.json()


def receive_event(ws: Any, timeout: float = 10.0) -> dict[str, Any]:
    """The next JSON event of a TestClient WebSocket, failing after `timeout` seconds instead of hanging.

    Raises WebSocketDisconnect when the server closed the socket (like `receive_json`).
    """

    async def within() -> Any:
        with anyio.fail_after(timeout):
            return await ws._send_rx.receive()

    message = ws.portal.call(within)
    ws._raise_on_close(message)
    return json.loads(message["text"])


def turn_events(ws: Any, messages: int = 2, timeout: float = 10.0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The "turn" event of one sent message and its `messages` live messages (user echo, bot reply), which
    travel through the hub and may arrive before or after the turn event. An error event fails; event types
    this contract does not cover (e.g. future notices) are skipped."""
    turn, live = None, []
    while turn is None or len(live) < messages:
        event = receive_event(ws, timeout)
        assert event["type"] != "error", event
        if event["type"] == "turn":
            assert turn is None, event
            turn = event["turn"]
        elif event["type"] == "message":
            live.append(event["message"])
    return turn, live
