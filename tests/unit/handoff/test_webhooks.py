"""Helpdesk webhooks over real HTTP: signed bodies, retries with backoff, logged attempts, never blocking."""

import asyncio
import hashlib
import hmac
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.config import HandoffSettings, WebhookSettings
from bot.handoff.webhooks import SIGNATURE_HEADER, WebhookSender, sign


class Desk:
    """A local helpdesk endpoint that fails the first `failures` deliveries, then accepts."""

    def __init__(self, failures: int = 0, delay: float = 0.0) -> None:
        self.failures = failures
        self.delay = delay
        self.received: list[tuple[dict[str, str], bytes]] = []
        desk = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(desk.delay)
                desk.received.append((dict(self.headers), body))
                status = 500 if len(desk.received) <= desk.failures else 204
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def desk():
    server = Desk()
    yield server
    server.close()


def _sender(url: str, attempts: int = 3, timeout: float = 5.0) -> WebhookSender:
    settings = HandoffSettings(webhooks=[WebhookSettings(url=url, secret_env="DESK_SECRET")],
                               webhook_attempts=attempts, webhook_timeout_seconds=timeout)
    return WebhookSender(settings, environ={"DESK_SECRET": "s3cret"}, base_delay=0.01)


def test_delivery_is_signed_and_verifiable(desk):
    """The receiver can recompute the HMAC-SHA256 of timestamp + body with the shared secret."""
    async def run():
        sender = _sender(desk.url)
        [task] = sender.dispatch("handoff.created", {"id": "h1", "summary": "deposit missing"})
        return await task

    assert asyncio.run(run()) is True
    headers, body = desk.received[0]
    expected = hmac.new(b"s3cret", headers["X-Cryptodesk-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={expected}" == sign("s3cret", headers["X-Cryptodesk-Timestamp"],
                                                                     body)
    assert json.loads(body) == {"event": "handoff.created", "data": {"id": "h1", "summary": "deposit missing"}}
    assert headers["X-Cryptodesk-Event"] == "handoff.created"


def test_failures_are_retried_and_every_attempt_logged(caplog):
    """Two 500s then a 204: three attempts with the same delivery id, each logged."""
    server = Desk(failures=2)
    try:
        async def run():
            [task] = _sender(server.url, attempts=5).dispatch("ticket.created", {"id": "t1"})
            return await task

        with caplog.at_level(logging.INFO, logger="bot.handoff.webhooks"):
            assert asyncio.run(run()) is True
    finally:
        server.close()
    assert len(server.received) == 3
    assert len({headers["X-Cryptodesk-Delivery"] for headers, _ in server.received}) == 1
    outcomes = [r.outcome for r in caplog.records if r.getMessage() == "webhook attempt"]
    assert outcomes == ["status 500", "status 500", "delivered"]


def test_an_unreachable_endpoint_gives_up_after_the_configured_attempts(caplog):
    """Connection refused on every attempt: the sender stops, logs that it gave up, and raises nothing."""
    async def run():
        [task] = _sender("http://127.0.0.1:9/hook", attempts=2).dispatch("handoff.created", {"id": "h"})
        return await task

    with caplog.at_level(logging.INFO, logger="bot.handoff.webhooks"):
        assert asyncio.run(run()) is False
    assert any(r.getMessage() == "webhook gave up" for r in caplog.records)


def test_dispatch_never_waits_for_the_endpoint():
    """A slow helpdesk does not delay the caller: dispatch returns at once and delivery goes on behind."""
    server = Desk(delay=0.5)
    try:
        async def run():
            sender = _sender(server.url)
            started = time.perf_counter()
            tasks = sender.dispatch("handoff.created", {"id": "h"})
            elapsed = time.perf_counter() - started
            await asyncio.gather(*tasks)
            return elapsed

        assert asyncio.run(run()) < 0.4   # the endpoint takes 0.5 s: returning sooner proves nobody waited
        assert len(server.received) == 1
    finally:
        server.close()


def test_missing_secret_is_reported_not_sent(desk, caplog):
    """Without the signing secret nothing unsigned leaves; the log names the variable to set."""
    settings = HandoffSettings(webhooks=[WebhookSettings(url=desk.url, secret_env="NOT_SET")])

    async def run():
        [task] = WebhookSender(settings, environ={}).dispatch("handoff.created", {"id": "h"})
        return await task

    with caplog.at_level(logging.ERROR, logger="bot.handoff.webhooks"):
        assert asyncio.run(run()) is False
    assert not desk.received
    assert any(getattr(r, "secret_env", None) == "NOT_SET" for r in caplog.records)
