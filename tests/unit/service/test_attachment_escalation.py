"""A seed phrase or private key found in an uploaded file is handled like a pasted one: a security handoff."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mnemonic import Mnemonic

from bot.storage.api_tokens import TokenStore
from tests.unit.service import new_session, services, transcript


@pytest.fixture
def db_kind() -> str:
    return "sqlite"


@pytest.fixture
def client(make_app: Callable[..., FastAPI], tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(make_app(attachments__dir=str(tmp_path / "files"))) as test_client:
        yield test_client


def _upload(client: TestClient, session: dict, name: str, text: str) -> dict:
    response = client.post(f"/v1/sessions/{session['session_id']}/attachments",
                           headers={"X-Session-Token": session["session_token"]},
                           files={"file": (name, text.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    return response.json()


def _handoffs(client: TestClient) -> list[dict]:
    _, token = TokenStore(services(client).database).create("anna", "agent")
    response = client.get("/v1/handoffs", headers={"Authorization": f"Bearer {token}"})
    return response.json()["handoffs"]


def test_a_seed_phrase_in_a_log_opens_an_urgent_security_handoff(client: TestClient) -> None:
    session = new_session(client)
    phrase = Mnemonic("english").generate(128)
    _upload(client, session, "wallet.log", f"backup words:\n{phrase}\n")
    [handoff] = _handoffs(client)
    assert handoff["reason"] == "security" and handoff["session_id"] == session["session_id"]
    assert "secret_in_attachment" in handoff["packet"]["reasons"]
    assert phrase.split()[0] + " " + phrase.split()[1] not in str(handoff)
    messages = transcript(client, session)["messages"]
    assert messages[-1]["role"] == "system" and messages[-1]["handoff_id"] == handoff["id"]
    # The conversation is now a person's: a second file with a secret opens nothing more.
    _upload(client, session, "again.log", Mnemonic("english").generate(128))
    assert len(_handoffs(client)) == 1


def test_a_password_in_a_log_is_redacted_without_a_handoff(client: TestClient) -> None:
    session = new_session(client)
    body = _upload(client, session, "app.log", "login failed\npassword: Hunter2-secret!\n")
    assert body["removed"] == ["password"]
    assert _handoffs(client) == []
