"""Service tests: the FastAPI app on a small hashing-encoder index, on SQLite and PostgreSQL.

Helpers shared by the test modules live here; the fixtures are in conftest.py.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from mnemonic import Mnemonic

# A valid 12-word phrase: pasting it is a security emergency, so the turn hands the session to a person.
SEED_PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


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
