"""Ticket updates by e-mail and in the transcript, through the HTTP API and a real local SMTP server.

Off hours (a team with no working days) every handoff is a ticket: the user who gave an address hears of it
opening, of the agent's answer and of its closing, in their language, in the chat and by e-mail.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.storage.api_tokens import TokenStore
from tests.leaks import leaked_runs
from tests.unit.notify.smtp import Inbox, free_port, parts, smtp_server
from tests.unit.service import SEED_PHRASE, chat, services, transcript

CLOSED_TEAMS = '[{name: global, languages: ["*"], days: []}]'   # never open: every handoff becomes a ticket
ADDRESS = "ana@example.com"
TICKET = re.compile(r"^KS-\d{6}$")


@pytest.fixture
def db_kind() -> str:
    """E-mail behaviour does not depend on the database backend."""
    return "sqlite"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A running local SMTP server."""
    with smtp_server() as server:
        yield server


def _email(port: int, **overrides: str) -> dict[str, str]:
    return {"email__enabled": "true", "email__host": "127.0.0.1", "email__port": str(port),
            "email__security": "none", "email__from_address": "soporte@kestrel.example",
            "email__from_name": "Soporte Kestrel", "email__retry_base_seconds": "0",
            "email__answered_delay_seconds": "0", "email__attempts": "2", **overrides}


@pytest.fixture
def open_client(make_app: Callable[..., FastAPI]) -> Iterator[Callable[..., TestClient]]:
    """`open_client(port, **overrides)`: an app that e-mails through `port`; closed on teardown."""
    clients: list[TestClient] = []

    def make(port: int, **overrides: str) -> TestClient:
        client = TestClient(make_app(**(_email(port) | overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


class Agent:
    """An agent working one handoff through the API."""

    def __init__(self, client: TestClient) -> None:
        _, token = TokenStore(services(client).database).create("Ana", "agent")
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def act(self, handoff_id: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST /v1/handoffs/{id}/{action}."""
        response = self.client.post(f"/v1/handoffs/{handoff_id}/{action}", json=body, headers=self.headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def packet(self, handoff_id: str) -> str:
        """The handoff as an agent (and a helpdesk) sees it, as text."""
        response = self.client.get(f"/v1/handoffs/{handoff_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.text


def _ask_for_a_person(client: TestClient, session: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/v1/sessions/{session['session_id']}/handoff", json={},
                           headers={"X-Session-Token": session["session_token"]})
    assert response.status_code == 200, response.text
    return response.json()


def _put_contact(client: TestClient, session: dict[str, Any], email: Any, expect: int = 200) -> dict[str, Any]:
    response = client.put(f"/v1/sessions/{session['session_id']}/contact", json={"email": email},
                          headers={"X-Session-Token": session["session_token"]})
    assert response.status_code == expect, response.text
    return response.json()


def _system_texts(client: TestClient, session: dict[str, Any]) -> list[str]:
    return [m["text"] for m in transcript(client, session)["messages"] if m["role"] == "system"]


def _metric(client: TestClient, event: str, outcome: str) -> float:
    text = client.get("/metrics").text
    match = re.search(rf'cryptodesk_emails_total\{{event="{event}",outcome="{outcome}"\}} ([0-9.]+)', text)
    return float(match.group(1)) if match else 0.0


def test_a_spanish_ticket_is_emailed_when_opened_answered_and_closed(open_client, inbox):
    """Address given with the first message: three Spanish e-mails, and the chat says the same."""
    client = open_client(inbox.port, handoff__teams=CLOSED_TEAMS)
    session = chat(client, "hola, mi retiro no ha llegado", lang="es", user={"email": "Ana@Example.com"})
    opened = _ask_for_a_person(client, session)
    ticket = opened["ticket"]
    assert TICKET.match(ticket) and ticket in opened["reply"]   # the chat's notice already names the ticket

    [first] = inbox.wait_for(1)
    message = first.message
    assert first.rcpt_tos == ["Ana@example.com"] and first.mail_from == "soporte@kestrel.example"
    assert message["Subject"] == f"[Kestrel] Hemos recibido tu ticket {ticket}"
    assert message["Content-Language"] == "es" and message["Auto-Submitted"] == "auto-generated"
    assert message["From"].addresses[0].display_name == "Soporte Kestrel" and message["Date"] and message["Message-ID"]
    plain, _ = parts(message)
    assert "Hola:" in plain and re.search(r"antes del \d{4}-\d\d-\d\d \d\d:\d\d UTC", plain)

    agent = Agent(client)
    agent.act(opened["handoff_id"], "claim")
    agent.act(opened["handoff_id"], "messages", {"text": "Hola Ana: tu retiro ya salió. <script>alert(1)</script>"})
    [_, answered] = inbox.wait_for(2)
    assert answered.message["Subject"] == f"[Kestrel] Tu ticket {ticket} ha sido respondido"
    plain, rich = parts(answered.message)
    assert "> Hola Ana: tu retiro ya salió. <script>alert(1)</script>" in plain
    assert "<script>" not in rich and "&lt;script&gt;alert(1)&lt;/script&gt;" in rich
    assert f"Tu ticket {ticket} ha sido respondido." in _system_texts(client, session)

    agent.act(opened["handoff_id"], "messages", {"text": "¿Algo más?"})   # same burst: no new notice
    agent.act(opened["handoff_id"], "resolve")
    [_, _, closed] = inbox.wait_for(3)
    assert closed.message["Subject"] == f"[Kestrel] Tu ticket {ticket} está cerrado"
    assert "Tu ticket" in parts(closed.message)[0] and "se ha cerrado" in parts(closed.message)[0]
    notices = _system_texts(client, session)
    assert notices.count(f"Tu ticket {ticket} ha sido respondido.") == 1
    assert notices[-1] == f"Tu ticket {ticket} está cerrado. Si tienes más preguntas, aquí estoy de nuevo."
    assert len(inbox.settled()) == 3
    assert [_metric(client, event, "sent") for event in ("opened", "answered", "closed")] == [1, 1, 1]
    assert "ana@example.com" not in agent.packet(opened["handoff_id"]).lower()   # nor in webhooks: same record


def test_address_set_later_and_removed(open_client, inbox):
    """PUT /contact before the ticket: e-mails go there (masked in the answer); after DELETE, none are sent, while
    the transcript still says the ticket was answered."""
    client = open_client(inbox.port, handoff__teams=CLOSED_TEAMS)
    session = chat(client, "hola, necesito ayuda", lang="es")
    assert _put_contact(client, session, " luis@Example.COM ") == {"session_id": session["session_id"],
                                                                   "email": "l***@example.com"}
    turn = chat(client, f"mi frase semilla es {SEED_PHRASE}", session, lang="es")   # an emergency: hands off at once
    assert turn["action"] == "handoff" and TICKET.match(turn["ticket"])
    [opened] = inbox.wait_for(1)
    assert opened.rcpt_tos == ["luis@example.com"] and turn["ticket"] in opened.message["Subject"]

    removed = client.delete(f"/v1/sessions/{session['session_id']}/contact",
                            headers={"X-Session-Token": session["session_token"]})
    assert removed.status_code == 204 and removed.content == b""
    agent = Agent(client)
    agent.act(turn["handoff_id"], "claim")
    agent.act(turn["handoff_id"], "messages", {"text": "Hola Luis, mueve tus fondos ahora."})
    assert f"Tu ticket {turn['ticket']} ha sido respondido." in _system_texts(client, session)
    assert len(inbox.settled()) == 1


def test_an_address_given_while_a_ticket_is_open_gets_its_confirmation_once(open_client, inbox):
    """The widget asks after the ticket notice: the new address gets the "opened" e-mail; the same address
    again sends nothing more."""
    client = open_client(inbox.port, handoff__teams=CLOSED_TEAMS)
    session = chat(client, "quiero hablar con una persona", lang="es")
    opened = _ask_for_a_person(client, session)
    assert inbox.settled(0.3) == []
    _put_contact(client, session, ADDRESS)
    [confirmation] = inbox.wait_for(1)
    assert opened["ticket"] in confirmation.message["Subject"]
    _put_contact(client, session, ADDRESS)
    assert len(inbox.settled()) == 1


def test_a_reply_burst_makes_one_email_and_the_next_burst_another(open_client, inbox):
    """Replies before the user writes again share one e-mail (written within answered_delay_seconds); after the
    user's next message, the agent's next reply starts a new burst."""
    client = open_client(inbox.port, handoff__teams=CLOSED_TEAMS, email__answered_delay_seconds="1.5")
    session = chat(client, "hola", lang="es", user={"email": ADDRESS})
    handoff_id = _ask_for_a_person(client, session)["handoff_id"]
    agent = Agent(client)
    agent.act(handoff_id, "claim")
    agent.act(handoff_id, "messages", {"text": "Primera parte."})
    agent.act(handoff_id, "messages", {"text": "Segunda parte."})
    [_, answered] = inbox.wait_for(2)
    plain = parts(answered.message)[0]
    assert "> Primera parte." in plain and "> Segunda parte." in plain
    chat(client, "gracias, ¿y la comisión?", session, lang="es")
    agent.act(handoff_id, "messages", {"text": "La comisión es 1 USDT."})
    [_, _, again] = inbox.wait_for(3)
    assert "> La comisión es 1 USDT." in parts(again.message)[0] and "Primera parte" not in parts(again.message)[0]
    assert len(_system_texts(client, session)) == 1 + 1 + 2   # handoff notice, agent joined, two "answered"


def test_a_seed_phrase_in_an_agent_reply_never_reaches_the_email(open_client, inbox):
    """Agent replies are redacted before they are stored, so the e-mail built from the store carries no secret."""
    client = open_client(inbox.port, handoff__teams=CLOSED_TEAMS)
    session = chat(client, "hola", lang="es", user={"email": ADDRESS})
    handoff_id = _ask_for_a_person(client, session)["handoff_id"]
    agent = Agent(client)
    agent.act(handoff_id, "claim")
    agent.act(handoff_id, "messages", {"text": f"Por favor confirma tu frase: {SEED_PHRASE}"})
    [_, answered] = inbox.wait_for(2)
    plain, rich = parts(answered.message)
    assert "Por favor confirma tu frase" in plain
    words = SEED_PHRASE.split()
    assert leaked_runs(words, plain) == [] and leaked_runs(words, rich) == []
    assert leaked_runs(words, answered.message.as_string()) == []


def test_a_live_handoff_sends_no_email(open_client, inbox):
    """The team is online: the user stays in the chat; no e-mail, no ticket notices, the usual closing line."""
    client = open_client(inbox.port)
    session = chat(client, "hola", lang="es", user={"email": ADDRESS})
    opened = _ask_for_a_person(client, session)
    assert opened["ticket"] is None
    agent = Agent(client)
    agent.act(opened["handoff_id"], "claim")
    agent.act(opened["handoff_id"], "messages", {"text": "Hola, ¿en qué te ayudo?"})
    agent.act(opened["handoff_id"], "resolve")
    assert inbox.settled() == []
    notices = _system_texts(client, session)
    assert not [text for text in notices if "Tu ticket" in text]
    assert notices[-1].startswith("El agente ha cerrado este caso.")


def test_no_address_means_no_email(open_client, inbox):
    """A ticket whose user gave no address: the chat works as always and nothing is sent or counted."""
    client = open_client(inbox.port, handoff__teams=CLOSED_TEAMS)
    session = chat(client, "hola", lang="es")
    opened = _ask_for_a_person(client, session)
    agent = Agent(client)
    agent.act(opened["handoff_id"], "claim")
    agent.act(opened["handoff_id"], "messages", {"text": "Hola"})
    agent.act(opened["handoff_id"], "resolve")
    assert inbox.settled() == []
    assert _metric(client, "opened", "sent") == 0 and _metric(client, "opened", "failed") == 0


def test_smtp_down_the_chat_still_answers_and_the_failure_is_logged_and_counted(open_client, service_logs):
    """Nobody listens on the SMTP port: every request succeeds; each attempt is logged with the address masked,
    then the failure is logged and counted."""
    client = open_client(free_port(), handoff__teams=CLOSED_TEAMS)
    session = chat(client, "hola", lang="es", user={"email": ADDRESS})
    started = time.monotonic()
    opened = _ask_for_a_person(client, session)
    assert time.monotonic() - started < 2 and TICKET.match(opened["ticket"])
    assert chat(client, "¿sigue ahí?", session, lang="es")["status"] == "human"
    deadline = time.monotonic() + 15
    while _metric(client, "opened", "failed") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _metric(client, "opened", "failed") == 1 and _metric(client, "opened", "sent") == 0
    records = service_logs.records()
    attempts = [r for r in records if r["message"] == "ticket e-mail attempt"]
    assert [(r["attempt"], r["outcome"]) for r in attempts] == [(1, "ConnectionRefusedError"),
                                                                (2, "ConnectionRefusedError")]
    assert all(r["to"] == "a***@example.com" and r["ticket"] == opened["ticket"] for r in attempts)
    assert [r["level"] for r in records if r["message"] == "ticket e-mail gave up"] == ["ERROR"]
    assert ADDRESS not in service_logs.text


@pytest.mark.parametrize(("email", "says"), [
    ("not-an-address", "must have an @-sign"),
    ("ana@localhost", "It should have a period"),
    ("用户@例子.广告", "Internationalized characters before the @-sign are not supported"),
    ("ana@example.com\r\nBcc: eve@example.com", "invalid characters"),
    ("a" * 400 + "@example.com", "at most 320 characters"),
    ("a" * 250 + "@example.com", "too long"),
    (42, "valid string"),
])
def test_a_bad_address_is_refused_with_what_to_fix(module_client, email, says):
    """422 from PUT /contact and from the first POST /v1/chat (which then opens no session)."""
    session = chat(module_client, "hola", lang="es")
    response = module_client.put(f"/v1/sessions/{session['session_id']}/contact", json={"email": email},
                                 headers={"X-Session-Token": session["session_token"]})
    assert response.status_code == 422 and says in response.json()["detail"]
    assert response.json()["detail"].startswith("email: ")
    first = module_client.post("/v1/chat", json={"text": "hola", "user": {"email": email}})
    assert first.status_code == 422 and first.json()["detail"].startswith("user.email: ")


def test_the_contact_needs_the_session_token_and_a_well_formed_body(module_client):
    """403 without the token (both verbs), 404 for an unknown session, 422 for a missing or extra field."""
    session = chat(module_client, "hola", lang="es")
    url = f"/v1/sessions/{session['session_id']}/contact"
    assert module_client.put(url, json={"email": ADDRESS}).status_code == 403
    assert module_client.delete(url).status_code == 403
    headers = {"X-Session-Token": session["session_token"]}
    assert module_client.put("/v1/sessions/nope/contact", json={"email": ADDRESS}, headers=headers).status_code == 404
    missing = module_client.put(url, json={}, headers=headers)
    assert missing.status_code == 422 and missing.json()["detail"] == "email: field required"
    extra = module_client.put(url, json={"email": ADDRESS, "name": "Ana"}, headers=headers)
    assert extra.status_code == 422 and "name" in extra.json()["detail"]
