"""What happens after a handoff changes: agent consoles hear of it live, helpdesk webhooks get it."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from bot.handoff.webhooks import WebhookSender
from bot.service.hub import AGENTS_TOPIC, LiveHub
from bot.storage.handoffs import HandoffStore


class HandoffEvents:
    """Publishes handoff changes to the agents' live topic and new handoffs/tickets to webhooks."""

    def __init__(self, handoffs: HandoffStore, hub: LiveHub, webhooks: WebhookSender) -> None:
        self.handoffs = handoffs
        self.hub = hub
        self.webhooks = webhooks

    async def handoff_opened(self, handoff_id: str) -> None:
        """A new handoff or ticket: tell the consoles and the helpdesks."""
        record = await run_in_threadpool(self.handoffs.get, handoff_id)
        await self.hub.publish(AGENTS_TOPIC, {"type": "handoff", "event": "opened", "handoff": record.public()})
        if self.webhooks.enabled:
            self.webhooks.dispatch("ticket.created" if record.kind == "ticket" else "handoff.created",
                                   record.public())

    async def handoff_changed(self, handoff_id: str, event: str) -> None:
        """Claimed, resolved or transferred: the consoles update their queue."""
        record = await run_in_threadpool(self.handoffs.get, handoff_id)
        await self.hub.publish(AGENTS_TOPIC, {"type": "handoff", "event": event, "handoff": record.public()})
