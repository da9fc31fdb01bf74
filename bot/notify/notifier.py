"""Which ticket events e-mail the user, and delivering those e-mails in the background with retries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from bot.background import settle
from bot.config import Settings
from bot.notify.addresses import mask_address
from bot.notify.bursts import burst_replies, starts_burst
from bot.notify.mailer import EmailSender, SmtpSender, describe, is_permanent
from bot.notify.templates import EmailTemplates
from bot.notify.ticket_mail import MailIdentity, compose, format_due
from bot.storage.conversations import ConversationStore
from bot.storage.handoffs import HandoffRecord

log = logging.getLogger("bot.notify")
MAX_DELAY_SECONDS = 300.0
# How far back a new reply looks for the previous user or agent message (system notices in between are skipped).
BURST_LOOKBACK = 50


@dataclass
class _PendingAnswer:
    """An "answered" e-mail waiting for the rest of its burst; `wake` sends it at once (ticket closed, shutdown)."""

    handoff_id: str
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class TicketNotifier:
    """E-mails the user when their ticket is opened, answered (once per reply burst) or closed.

    Nothing here can delay or fail a chat or agent request: each e-mail is a background task that reads what it
    needs from the database, runs the blocking SMTP exchange in a worker thread, retries with backoff, logs every
    attempt with the address masked, and reports its final outcome ("sent" or "failed") to `on_outcome`.
    The e-mails of one ticket leave in the order of its events (each waits for the one before), so a retried
    "opened" never arrives after "answered". Live handoffs never get e-mails; the address is read when the
    e-mail is built and again before each retry, so a removed one is not used.
    """

    def __init__(self, settings: Settings, conversations: ConversationStore, *, sender: EmailSender | None = None,
                 on_outcome: Callable[[str, str], None] | None = None) -> None:
        self.settings = settings.email
        self.conversations = conversations
        self.templates = EmailTemplates(settings.languages, settings.brand)
        self.identity = MailIdentity(settings.email.from_address or "",
                                     settings.email.from_name or f"{settings.brand.exchange_name} Support")
        smtp = SmtpSender(settings.email)
        self.sender: EmailSender = sender or smtp
        self._on_outcome = on_outcome or (lambda event, outcome: None)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._pending: list[_PendingAnswer] = []
        self._latest: dict[str, asyncio.Task[bool]] = {}   # handoff id -> its most recent e-mail task
        missing = smtp.missing_password() if self.enabled and sender is None else None
        if missing:
            log.error("ticket e-mails will fail: the SMTP password variable is not set",
                      extra={"password_env": missing})

    @property
    def enabled(self) -> bool:
        """True when ticket e-mails are switched on in the settings."""
        return self.settings.enabled

    def starts_burst(self, record: HandoffRecord, message_id: int) -> bool:
        """Blocking (reads the transcript): True when agent message `message_id` opens a reply burst."""
        earlier = self.conversations.messages_before(record.session_id, message_id, limit=BURST_LOOKBACK)
        return starts_burst(earlier, record.id)

    def opened(self, record: HandoffRecord) -> asyncio.Task[bool] | None:
        """The ticket was opened (or the user gave a new address while it is open): confirm number and due time."""
        if not self._wanted(record):
            return None
        return self._spawn(record.id, lambda previous: self._in_turn(previous, "opened", record))

    def answered(self, record: HandoffRecord, first_id: int) -> asyncio.Task[bool] | None:
        """A reply burst started with message `first_id`: after `answered_delay_seconds` one e-mail carries every
        reply of the burst written by then."""
        if not self._wanted(record):
            return None
        pending = _PendingAnswer(record.id)
        self._pending.append(pending)
        return self._spawn(record.id, lambda previous: self._answered(previous, record, first_id, pending))

    def closed(self, record: HandoffRecord) -> asyncio.Task[bool] | None:
        """The ticket was resolved: waiting "answered" e-mails of this ticket go first, then this one."""
        if not self._wanted(record):
            return None
        for pending in self._pending:
            if pending.handoff_id == record.id:
                pending.wake.set()
        return self._spawn(record.id, lambda previous: self._in_turn(previous, "closed", record))

    async def close(self, grace_seconds: float = 5.0) -> None:
        """Send waiting "answered" e-mails now, give deliveries a moment, then cancel the rest."""
        for pending in self._pending:
            pending.wake.set()
        await settle(self._tasks, grace_seconds)

    def _wanted(self, record: HandoffRecord) -> bool:
        return self.enabled and record.kind == "ticket"

    def _spawn(self, handoff_id: str,
               job: Callable[[asyncio.Task[bool] | None], Coroutine[Any, Any, bool]]) -> asyncio.Task[bool]:
        """Start `job(previous)`, where `previous` is the ticket's e-mail task before this one."""
        task = asyncio.create_task(job(self._latest.get(handoff_id)))
        self._latest[handoff_id] = task
        self._tasks.add(task)

        def finished(done: asyncio.Task[bool]) -> None:
            self._tasks.discard(done)
            if self._latest.get(handoff_id) is done:
                del self._latest[handoff_id]

        task.add_done_callback(finished)
        return task

    async def _in_turn(self, previous: asyncio.Task[bool] | None, event: str, record: HandoffRecord,
                       first_id: int = 0) -> bool:
        if previous is not None:
            await asyncio.wait([previous])
        return await self._deliver(event, record, first_id)

    async def _answered(self, previous: asyncio.Task[bool] | None, record: HandoffRecord, first_id: int,
                        pending: _PendingAnswer) -> bool:
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pending.wake.wait(), self.settings.answered_delay_seconds)
        finally:
            self._pending.remove(pending)
        return await self._in_turn(previous, "answered", record, first_id)

    async def _deliver(self, event: str, record: HandoffRecord, first_id: int = 0) -> bool:
        fields: dict[str, Any] = {"event": event, "ticket": record.ticket, "handoff_id": record.id}
        try:
            built = await asyncio.to_thread(self._build, event, record, first_id)
        except Exception:
            log.exception("ticket e-mail could not be built", extra=fields)
            self._on_outcome(event, "failed")
            return False
        if built is None:
            log.info("ticket e-mail not needed: no contact address, or no reply to send", extra=fields)
            return False
        message, address = built
        fields["to"] = mask_address(address)
        attempts, attempt = self.settings.attempts, 0
        for attempt in range(1, attempts + 1):
            if attempt > 1 and not await self._still_wanted(record, address):
                log.info("ticket e-mail dropped: the contact address was removed or changed", extra=fields)
                return False
            try:
                await asyncio.to_thread(self.sender.send, message)
                outcome, permanent = "sent", False
            except Exception as exc:   # whatever breaks, the task logs it and the chat never sees it
                outcome, permanent = describe(exc), is_permanent(exc)
            log.info("ticket e-mail attempt", extra={**fields, "attempt": attempt, "outcome": outcome})
            if outcome == "sent":
                self._on_outcome(event, "sent")
                return True
            if permanent or attempt == attempts:
                break
            await asyncio.sleep(min(MAX_DELAY_SECONDS, self.settings.retry_base_seconds * 2 ** (attempt - 1)))
        log.error("ticket e-mail gave up", extra={**fields, "attempts": attempt, "outcome": outcome})
        self._on_outcome(event, "failed")
        return False

    async def _still_wanted(self, record: HandoffRecord, address: str) -> bool:
        """True while `address` is still the session's contact: a retry after the user removed or replaced it
        would mail an address they took back. A failed look-up counts as removed."""
        try:
            return await asyncio.to_thread(self.conversations.contact_email, record.session_id) == address
        except Exception:   # the session is gone, or the database is down: do not mail on a guess
            return False

    def _build(self, event: str, record: HandoffRecord, first_id: int) -> tuple[EmailMessage, str] | None:
        """Blocking: the message and its address, or None when there is nobody or nothing to send."""
        address = self.conversations.contact_email(record.session_id)
        if not address:
            return None
        replies: list[str] = []
        if event == "answered":
            later = self.conversations.messages(record.session_id, after_id=first_id - 1)
            replies = burst_replies(later, first_id, record.id)
            if not replies:
                return None
        zone = self.conversations.get(record.session_id).state.utc_offset_minutes
        text = self.templates.render(event, record.language, ticket=record.ticket or "",
                                     due=format_due(record.due_at, zone))
        return compose(text, to=address, sender=self.identity, replies=replies), address
