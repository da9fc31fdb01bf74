"""What happens after a handoff changes: agent consoles hear of it live, helpdesk webhooks get it, and the user
of a ticket gets an e-mail when it opens, is answered or closes."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from bot.handoff.webhooks import WebhookSender
from bot.notify.notifier import TicketNotifier
from bot.service.hub import AGENTS_TOPIC, LiveHub
from bot.storage.handoffs import HandoffRecord, HandoffStore


class HandoffEvents:
    """Publishes handoff changes to the agents' live topic and new handoffs/tickets to webhooks; ticket
    e-mails go through `notifier` (in the background, for tickets only)."""

    def __init__(self, handoffs: HandoffStore, hub: LiveHub, webhooks: WebhookSender,
                 notifier: TicketNotifier | None = None) -> None:
        self.handoffs = handoffs
        self.hub = hub
        self.webhooks = webhooks
        self.notifier = notifier

    async def handoff_opened(self, handoff_id: str) -> None:
        """A new handoff or ticket: tell the consoles and the helpdesks."""
        record = await run_in_threadpool(self.handoffs.get, handoff_id)
        await self.hub.publish(AGENTS_TOPIC, {"type": "handoff", "event": "opened", "handoff": record.public()})
        if self.webhooks.enabled:
            self.webhooks.dispatch("ticket.created" if record.kind == "ticket" else "handoff.created",
                                   record.public())
        if self.notifier is not None:
            self.notifier.opened(record)

    async def handoff_changed(self, handoff_id: str, event: str) -> None:
        """Claimed, resolved or transferred: the consoles update their queue; a closed ticket is e-mailed."""
        record = await run_in_threadpool(self.handoffs.get, handoff_id)
        await self.hub.publish(AGENTS_TOPIC, {"type": "handoff", "event": event, "handoff": record.public()})
        if event == "resolved" and self.notifier is not None:
            self.notifier.closed(record)

    async def ticket_answered(self, record: HandoffRecord, message_id: int) -> bool:
        """An agent replied (message `message_id`). True when it is a ticket's first reply since the user last
        wrote: the caller tells the user once, and one e-mail follows for the whole burst of replies."""
        if record.kind != "ticket" or self.notifier is None:
            return False
        if not await run_in_threadpool(self.notifier.starts_burst, record, message_id):
            return False
        self.notifier.answered(record, message_id)
        return True

    async def contact_added(self, session_id: str) -> None:
        """The user gave a new address: while their latest ticket is open, its confirmation goes to it."""
        record = await run_in_threadpool(self.handoffs.latest_for_session, session_id)
        if record is not None and record.status != "resolved" and self.notifier is not None:
            self.notifier.opened(record)
