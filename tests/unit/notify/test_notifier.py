"""TicketNotifier: what each ticket event sends, to whom, and how failures are retried, logged and counted."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from bot.config import Settings
from bot.notify.mailer import SmtpSender
from bot.notify.notifier import TicketNotifier
from bot.storage.conversations import ConversationStore, UserInfo
from bot.storage.handoffs import HandoffRecord
from tests.conftest import make_settings
from tests.unit.notify.smtp import parts

ADDRESS = "ana@example.com"


class Flaky:
    """A sender that raises the given errors first, then delivers through `real`; counts its calls."""

    def __init__(self, real: SmtpSender, errors: list[Exception]) -> None:
        self.real, self.errors, self.calls = real, list(errors), 0

    def send(self, message: EmailMessage) -> None:
        """Fail while errors are left, then send for real."""
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        self.real.send(message)


def _settings(tmp_path: Path, port: int, **overrides: str) -> Settings:
    values = {"email__enabled": "true", "email__host": "127.0.0.1", "email__port": str(port),
              "email__security": "none", "email__from_address": "support@kestrel.example",
              "email__retry_base_seconds": "0", "email__answered_delay_seconds": "0", "email__attempts": "3"}
    return make_settings(tmp_path, **(values | overrides))


def _ticket(session_id: str, *, kind: str = "ticket", language: str = "es") -> HandoffRecord:
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    return HandoffRecord(id="h-1", session_id=session_id, status="claimed", reason="user_request", priority=0,
                         language=language, team="global", summary="", packet={}, agent="Ana", created_at=now,
                         claimed_at=now, resolved_at=None, kind=kind, ticket="KS-000007" if kind == "ticket" else None,
                         due_at=now + timedelta(hours=12) if kind == "ticket" else None)


def _session(store: ConversationStore, email: str | None = ADDRESS) -> str:
    return store.create_session(UserInfo(email=email))[0].id


def test_an_opened_ticket_is_emailed_in_the_users_language(tmp_path, store, inbox):
    """Spanish ticket: a Spanish e-mail with the number and the due time; the outcome is reported."""
    outcomes: list[tuple[str, str]] = []
    notifier = TicketNotifier(_settings(tmp_path, inbox.port), store, on_outcome=lambda *o: outcomes.append(o))
    record = _ticket(_session(store))

    async def opened() -> bool:
        task = notifier.opened(record)
        assert task is not None
        return await task

    assert asyncio.run(opened()) is True
    [received] = inbox.wait_for(1)
    assert received.rcpt_tos == [ADDRESS] and received.message["Content-Language"] == "es"
    assert "KS-000007" in received.message["Subject"]
    assert "antes del 2026-11-24 14:00 UTC" in parts(received.message)[0]
    assert outcomes == [("opened", "sent")]


def test_live_handoffs_and_switched_off_settings_send_nothing(tmp_path, store):
    """Only tickets are e-mailed, and only when e-mail is enabled."""
    session_id = _session(store)
    enabled = TicketNotifier(_settings(tmp_path, 1), store)
    assert enabled.opened(_ticket(session_id, kind="live")) is None
    assert enabled.closed(_ticket(session_id, kind="live")) is None
    disabled = TicketNotifier(_settings(tmp_path, 1, email__enabled="false"), store)
    assert disabled.opened(_ticket(session_id)) is None and disabled.answered(_ticket(session_id), 1) is None


def test_no_address_means_no_email(tmp_path, store, inbox, logs):
    """The user gave no address: nothing is sent and nothing counted."""
    outcomes: list[tuple[str, str]] = []
    notifier = TicketNotifier(_settings(tmp_path, inbox.port), store, on_outcome=lambda *o: outcomes.append(o))

    async def opened() -> bool | None:
        task = notifier.opened(_ticket(_session(store, email=None)))
        return await task if task else None

    assert asyncio.run(opened()) is False
    assert inbox.settled(0.2) == [] and outcomes == []
    assert logs.named("ticket e-mail not needed: no contact address, or no reply to send")


def test_temporary_failures_are_retried_and_every_attempt_is_logged_masked(tmp_path, store, inbox, logs):
    """Two refused connections, then delivery: three attempts logged with the address masked, one e-mail."""
    settings = _settings(tmp_path, inbox.port)
    sender = Flaky(SmtpSender(settings.email), [ConnectionRefusedError(), TimeoutError()])
    outcomes: list[tuple[str, str]] = []
    notifier = TicketNotifier(settings, store, sender=sender, on_outcome=lambda *o: outcomes.append(o))

    async def closed() -> bool:
        task = notifier.closed(_ticket(_session(store)))
        assert task is not None
        return await task

    assert asyncio.run(closed()) is True
    assert len(inbox.wait_for(1)) == 1 and sender.calls == 3 and outcomes == [("closed", "sent")]
    attempts = logs.named("ticket e-mail attempt")
    assert [(r.attempt, r.outcome) for r in attempts] == [
        (1, "ConnectionRefusedError"), (2, "TimeoutError"), (3, "sent")]
    assert all(r.to == "a***@example.com" and r.ticket == "KS-000007" for r in attempts)
    assert not [r for r in logs.records if ADDRESS in str(r.__dict__)]


def test_a_permanent_refusal_is_not_retried_and_counts_as_failed(tmp_path, store, inbox, logs):
    """550 for the recipient: one attempt, an error record, outcome "failed"; the server's text is not logged."""
    settings = _settings(tmp_path, inbox.port)
    refused = smtplib.SMTPRecipientsRefused({ADDRESS: (550, f"no such user {ADDRESS}".encode())})
    sender = Flaky(SmtpSender(settings.email), [refused])
    outcomes: list[tuple[str, str]] = []
    notifier = TicketNotifier(settings, store, sender=sender, on_outcome=lambda *o: outcomes.append(o))

    async def opened() -> bool:
        task = notifier.opened(_ticket(_session(store)))
        assert task is not None
        return await task

    assert asyncio.run(opened()) is False
    assert sender.calls == 1 and outcomes == [("opened", "failed")] and inbox.settled(0.2) == []
    [gave_up] = logs.named("ticket e-mail gave up")
    assert gave_up.levelno == logging.ERROR and gave_up.outcome == "SMTPRecipientsRefused 550"
    assert not [r for r in logs.records if ADDRESS in str(r.__dict__)]


def test_answered_collects_the_burst_and_closing_sends_it_first(tmp_path, store, inbox):
    """Two replies within the window make one "answered" e-mail; closing the ticket sends it at once, then
    the "closed" e-mail, in that order."""
    notifier = TicketNotifier(_settings(tmp_path, inbox.port, email__answered_delay_seconds="30"), store)
    session_id = _session(store)
    record = _ticket(session_id)
    store.add_message(session_id, "user", "¿y mi retiro?")

    async def burst_then_close() -> list[bool]:
        first = store.add_message(session_id, "agent", "Primera respuesta", {"handoff_id": record.id})
        answered = notifier.answered(record, first.id)
        store.add_message(session_id, "system", "Tu ticket KS-000007 ha sido respondido.", {"handoff_id": record.id})
        store.add_message(session_id, "agent", "Segunda respuesta", {"handoff_id": record.id})
        closed = notifier.closed(record)
        assert answered is not None and closed is not None
        return list(await asyncio.wait_for(asyncio.gather(answered, closed), 10))

    started = time.monotonic()
    assert asyncio.run(burst_then_close()) == [True, True]
    assert time.monotonic() - started < 10
    answered_mail, closed_mail = (r.message for r in inbox.wait_for(2))
    plain = parts(answered_mail)[0]
    assert "respondido" in answered_mail["Subject"]
    assert "> Primera respuesta" in plain and "> Segunda respuesta" in plain
    assert "ha sido respondido." not in plain   # system notices are not replies
    assert "cerrado" in closed_mail["Subject"]


def test_shutdown_sends_waiting_answers_and_a_removed_address_is_not_used(tmp_path, store, inbox):
    """close() wakes waiting "answered" e-mails; the address is read when the e-mail is built."""
    notifier = TicketNotifier(_settings(tmp_path, inbox.port, email__answered_delay_seconds="30"), store)
    kept, removed = _session(store), _session(store, email="luis@example.com")

    async def scenario() -> None:
        for session_id in (kept, removed):
            reply = store.add_message(session_id, "agent", "Hola", {"handoff_id": "h-1"})
            notifier.answered(_ticket(session_id), reply.id)
        store.set_contact_email(removed, None)
        await asyncio.wait_for(notifier.close(), 10)

    asyncio.run(scenario())
    assert [r.rcpt_tos for r in inbox.settled(0.3)] == [[ADDRESS]]


def test_a_ticket_s_emails_leave_in_the_order_of_its_events(tmp_path, store, inbox):
    """"opened" is retried after a refused connection; the "answered" e-mail waits for it instead of overtaking."""
    settings = _settings(tmp_path, inbox.port, email__retry_base_seconds="0.3")
    notifier = TicketNotifier(settings, store, sender=Flaky(SmtpSender(settings.email), [ConnectionRefusedError()]))
    session_id = _session(store)
    record = _ticket(session_id)

    async def scenario() -> None:
        opened = notifier.opened(record)
        reply = store.add_message(session_id, "agent", "Ya está", {"handoff_id": record.id})
        answered = notifier.answered(record, reply.id)
        assert opened is not None and answered is not None
        await asyncio.wait_for(asyncio.gather(opened, answered), 10)

    asyncio.run(scenario())
    subjects = [r.message["Subject"] for r in inbox.wait_for(2)]
    assert "Hemos recibido" in subjects[0] and "respondido" in subjects[1]
