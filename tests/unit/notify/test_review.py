"""Regressions found in review: every line of an agent's reply shown twice apart in the HTML part, and retries
that still mailed an address the user had removed."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path

from bot.notify.mailer import SmtpSender
from bot.notify.notifier import TicketNotifier
from bot.notify.templates import MailText
from bot.notify.ticket_mail import MailIdentity, compose, html_body
from bot.storage.conversations import ConversationStore
from tests.unit.notify.conftest import Records
from tests.unit.notify.smtp import parts
from tests.unit.notify.test_notifier import ADDRESS, _session, _settings, _ticket

TEXT = MailText("en", "Ticket KS-000007 answered", ["Hello,"], ["Thanks"], "Automatic message")


def test_a_multi_line_reply_has_one_break_per_line_in_html():
    """The reply's blockquote keeps white-space:pre-wrap, so "<br>\\n" broke every line twice (a blank line
    between each); lines are now joined by <br> alone, CRLF included."""
    rich = html_body(TEXT, ["Step 1: open Assets\r\nStep 2: <b>Withdraw</b>\nStep 3"])
    assert "Step 1: open Assets<br>Step 2: &lt;b&gt;Withdraw&lt;/b&gt;<br>Step 3</blockquote>" in rich
    assert "<br>\n" not in rich and "\r" not in rich


def test_the_sent_html_part_keeps_single_breaks(inbox):
    """The same through MIME encoding and a real SMTP server."""
    message = compose(TEXT, to=ADDRESS, sender=MailIdentity("support@kestrel.example", "Kestrel"),
                      replies=["line one\nline two"])
    sender = SmtpSender(_settings(Path("."), inbox.port).email)
    sender.send(message)
    [received] = inbox.wait_for(1)
    assert "line one<br>line two" in parts(received.message)[1]


class _RemovesAddressThenFails:
    """A server that is down on the first attempt, during which the user removes their address."""

    def __init__(self, store: ConversationStore, session_id: str) -> None:
        self.store, self.session_id, self.calls = store, session_id, 0

    def send(self, message: EmailMessage) -> None:
        """Remove the address, then fail like a refused connection."""
        self.calls += 1
        self.store.set_contact_email(self.session_id, None)
        raise ConnectionRefusedError()


def test_a_retry_does_not_mail_an_address_the_user_removed(tmp_path, store, logs: Records):
    """DELETE /contact promises "e-mails not yet sent are not sent"; the retries of a built e-mail went on to
    the removed address. Each retry now checks the address first."""
    session_id = _session(store)
    sender = _RemovesAddressThenFails(store, session_id)
    outcomes: list[tuple[str, str]] = []
    notifier = TicketNotifier(_settings(tmp_path, 1), store, sender=sender, on_outcome=lambda *o: outcomes.append(o))

    async def opened() -> bool:
        task = notifier.opened(_ticket(session_id))
        assert task is not None
        return await task

    assert asyncio.run(opened()) is False
    assert sender.calls == 1 and outcomes == []
    [dropped] = logs.named("ticket e-mail dropped: the contact address was removed or changed")
    assert dropped.to == "a***@example.com"


def test_a_retry_goes_on_while_the_address_is_unchanged(tmp_path, store, inbox):
    """The check does not stop ordinary retries: refused once, then delivered to the same address."""
    session_id = _session(store)
    settings = _settings(tmp_path, inbox.port)
    errors = [ConnectionRefusedError()]

    class FailsOnce:
        def send(self, message: EmailMessage) -> None:
            if errors:
                raise errors.pop()
            SmtpSender(settings.email).send(message)

    notifier = TicketNotifier(settings, store, sender=FailsOnce())

    async def closed() -> bool:
        task = notifier.closed(_ticket(session_id))
        assert task is not None
        return await task

    assert asyncio.run(closed()) is True
    assert [r.rcpt_tos for r in inbox.wait_for(1)] == [[ADDRESS]]
