"""Helpdesk webhooks: each new handoff or ticket POSTed to the configured URLs, signed, retried in the
background so a slow or failing endpoint never delays the chat."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
import uuid
from typing import Any

import httpx

from bot.background import settle
from bot.config import HandoffSettings, WebhookSettings

log = logging.getLogger("bot.handoff.webhooks")
SIGNATURE_HEADER = "X-Cryptodesk-Signature"
BASE_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 60.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` HMAC of "<timestamp>.<body>": the receiver recomputes it to trust the delivery."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookSender:
    """Delivers events to every configured webhook with exponential backoff; logs each attempt."""

    def __init__(self, settings: HandoffSettings, environ: dict[str, str] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None, base_delay: float = BASE_DELAY_SECONDS) -> None:
        self.settings = settings
        self._environ = environ if environ is not None else dict(os.environ)
        self._transport = transport
        self._base_delay = base_delay
        self._tasks: set[asyncio.Task[bool]] = set()

    @property
    def enabled(self) -> bool:
        """True when at least one webhook is configured."""
        return bool(self.settings.webhooks)

    def dispatch(self, event: str, payload: dict[str, Any]) -> list[asyncio.Task[bool]]:
        """Start background deliveries of one event; returns the tasks (tests may await them)."""
        body = json.dumps({"event": event, "data": payload}, ensure_ascii=False, default=str).encode()
        delivery = uuid.uuid4().hex
        tasks = []
        for hook in self.settings.webhooks:
            task = asyncio.create_task(self._deliver(hook, event, delivery, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            tasks.append(task)
        return tasks

    async def _deliver(self, hook: WebhookSettings, event: str, delivery: str, body: bytes) -> bool:
        secret = self._environ.get(hook.secret_env)
        if not secret:
            log.error("webhook not sent: its signing secret is not set",
                      extra={"url": hook.url, "secret_env": hook.secret_env, "delivery": delivery})
            return False
        attempts = self.settings.webhook_attempts
        async with httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds,
                                     transport=self._transport) as client:
            for attempt in range(1, attempts + 1):
                timestamp = str(int(time.time()))
                headers = {"Content-Type": "application/json", "X-Cryptodesk-Event": event,
                           "X-Cryptodesk-Delivery": delivery, "X-Cryptodesk-Timestamp": timestamp,
                           SIGNATURE_HEADER: sign(secret, timestamp, body)}
                outcome = await self._attempt(client, hook.url, headers, body)
                log.info("webhook attempt", extra={"url": hook.url, "event": event, "delivery": delivery,
                                                   "attempt": attempt, "outcome": outcome})
                if outcome == "delivered":
                    return True
                if attempt < attempts:
                    await asyncio.sleep(min(MAX_DELAY_SECONDS, self._base_delay * 2 ** (attempt - 1)))
        log.error("webhook gave up", extra={"url": hook.url, "event": event, "delivery": delivery,
                                            "attempts": attempts})
        return False

    @staticmethod
    async def _attempt(client: httpx.AsyncClient, url: str, headers: dict[str, str], body: bytes) -> str:
        try:
            response = await client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"error: {type(exc).__name__}"
        return "delivered" if response.is_success else f"status {response.status_code}"

    async def close(self, grace_seconds: float = 2.0) -> None:
        """Give running deliveries a moment, then cancel the rest (they are logged as given up)."""
        await settle(self._tasks, grace_seconds)
