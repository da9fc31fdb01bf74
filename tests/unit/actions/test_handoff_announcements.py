"""Handoffs the Rasa actions open are announced like the web service's: a signed webhook to a real local
endpoint, and the ticket e-mail through a real local SMTP server.

English has a team that is always open (live handoffs); every other language only has a team that never is, so
its handoffs become tickets.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import ActionFaqAnswer, ActionHandoffToHuman
from bot.actions.announce import announcer
from bot.actions.payloads import RasaConversation
from bot.actions.runtime import ActionRuntime, configure, get_runtime
from bot.actions.tracker import session_id_for
from bot.build import build_index
from bot.handoff.webhooks import SIGNATURE_HEADER
from bot.notify.addresses import mask_address
from tests.conftest import make_settings
from tests.unit.actions.helpdesk import Helpdesk, helpdesk
from tests.unit.notify.smtp import Inbox, parts, smtp_server

SECRET_ENV, SECRET = "CRYPTODESK_TEST_RASA_DESK_SECRET", "rasa-desk-s3cret"
TEAMS = '[{name: english, languages: [en]}, {name: night, languages: ["*"], days: []}]'
SEED = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


@pytest.fixture(scope="module")
def desk() -> Iterator[Helpdesk]:
    with helpdesk() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def runtime(tmp_path_factory, desk: Helpdesk, inbox: Inbox) -> Iterator[ActionRuntime]:
    """The actions' runtime with one webhook, ticket e-mails on, and the teams above."""
    folder = tmp_path_factory.mktemp("rasa_announce")
    settings = make_settings(
        folder, encoder__backend="hashing", storage__database_url=f"sqlite:///{folder / 'actions.db'}",
        handoff__teams=TEAMS, handoff__ticket_prefix="KS", handoff__webhook_attempts="2",
        handoff__webhooks=f"[{{url: '{desk.url}', secret_env: {SECRET_ENV}}}]",
        email__enabled="true", email__host="127.0.0.1", email__port=str(inbox.port), email__security="none",
        email__from_address="support@kestrel.example", email__retry_base_seconds="0", email__attempts="2")
    build_index(settings, progress=False, intents_dir=None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_ENV, SECRET)   # read when the webhook sender is built, on each test's event loop
        configure(settings)
        yield get_runtime()
        configure()


def run(action: Action, conversation: RasaConversation) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the action on its own event loop, then shut the announcements down as a stopping server does
    (which lets webhook deliveries and e-mails finish)."""
    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        dispatcher = CollectingDispatcher()
        try:
            events = await action.run(dispatcher, Tracker.from_dict(conversation.tracker()), {})
        finally:
            await announcer.close()
        return dispatcher.messages, events

    return asyncio.run(scenario())


def handoff_id_of(events: list[dict[str, Any]]) -> str:
    [value] = [event["value"] for event in events if event["event"] == "slot" and event["name"] == "handoff_id"]
    return value


def with_contact(runtime: ActionRuntime, conversation: RasaConversation) -> str:
    """Store a fresh contact address for the conversation's session, as `PUT .../contact` does."""
    address = f"user-{uuid.uuid4().hex[:8]}@example.com"
    session_id = session_id_for(Tracker.from_dict(conversation.tracker()), "test")
    runtime.conversations.ensure_session(session_id)
    runtime.conversations.set_contact_email(session_id, address)
    return address


def mails_to(inbox: Inbox, address: str) -> list[Any]:
    return [mail for mail in inbox.settled(quiet=0.3) if address in mail.rcpt_tos]


def verified(delivery: Any) -> bool:
    """What a helpdesk does: recompute HMAC-SHA256(secret, timestamp + "." + body)."""
    timestamp = delivery.headers["X-Cryptodesk-Timestamp"]
    digest = hmac.new(SECRET.encode(), timestamp.encode() + b"." + delivery.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(delivery.headers[SIGNATURE_HEADER], f"sha256={digest}")


@pytest.mark.parametrize(("text", "event", "kind"), [("I want to talk to a person", "handoff.created", "live"),
                                                      ("quiero hablar con una persona", "ticket.created", "ticket")])
def test_handoff_to_human_sends_one_signed_webhook(runtime, desk, text, event, kind):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user(text, intent="request_human")
    _, events = run(ActionHandoffToHuman(), conversation)
    handoff = runtime.handoffs.get(handoff_id_of(events))
    assert handoff.kind == kind
    [delivery] = desk.for_handoff(handoff.id)
    assert delivery.headers["X-Cryptodesk-Event"] == event and delivery.payload["event"] == event
    assert verified(delivery)
    assert delivery.payload["data"]["session_id"] == handoff.session_id


def test_faq_answer_handing_off_is_announced_too(runtime, desk):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}", slots={"language": "en"})
    conversation.user(f"my seed phrase is {SEED} is my wallet safe?")
    _, events = run(ActionFaqAnswer(), conversation)
    handoff_id = handoff_id_of(events)
    [delivery] = desk.for_handoff(handoff_id)
    assert delivery.payload["event"] == "handoff.created" and verified(delivery)
    assert delivery.payload["data"]["reason"] == "security"
    assert "abandon abandon" not in delivery.body.decode()


def test_no_second_announcement_when_the_open_handoff_is_reused(runtime, desk):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("talk to an agent", intent="request_human")
    _, first = run(ActionHandoffToHuman(), conversation)
    _, second = run(ActionHandoffToHuman(), conversation)
    assert handoff_id_of(first) == handoff_id_of(second)
    assert len(desk.for_handoff(handoff_id_of(first))) == 1


def test_an_off_hours_ticket_e_mails_the_user_without_logging_the_address(runtime, desk, inbox, caplog):
    caplog.set_level(logging.DEBUG)
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}", slots={"language": "es"})
    conversation.user("quiero hablar con una persona", intent="request_human")
    address = with_contact(runtime, conversation)
    _, events = run(ActionHandoffToHuman(), conversation)
    handoff = runtime.handoffs.get(handoff_id_of(events))
    assert handoff.kind == "ticket" and handoff.ticket
    deadline = time.monotonic() + 10
    while not (mails := mails_to(inbox, address)) and time.monotonic() < deadline:
        time.sleep(0.1)
    [mail] = mails
    assert handoff.ticket in str(mail.message["Subject"])
    plain, _ = parts(mail.message)
    assert handoff.ticket in plain
    logged = [vars(record) for record in caplog.records if record.name.startswith("bot")]   # not the SMTP server's
    assert any(entry.get("to") == mask_address(address) for entry in logged)   # the attempt is logged, masked
    assert address not in str(logged)
    [delivery] = desk.for_handoff(handoff.id)
    assert address not in delivery.body.decode()


def test_a_live_handoff_sends_no_e_mail(runtime, desk, inbox):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}", slots={"language": "en"})
    conversation.user("I need a human", intent="request_human")
    address = with_contact(runtime, conversation)
    _, events = run(ActionHandoffToHuman(), conversation)
    handoff_id = handoff_id_of(events)
    assert runtime.handoffs.get(handoff_id).kind == "live"
    assert desk.for_handoff(handoff_id)   # it was announced...
    assert mails_to(inbox, address) == []   # ...without an e-mail
