"""One pure-ASGI middleware for every HTTP request: request id, body limit, security headers, access log."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.errors import PayloadTooLargeError
from bot.service.logs import request_id
from bot.service.metrics import ServiceMetrics

access_log = logging.getLogger("bot.service.access")
REQUEST_ID_KEY = "cryptodesk.request_id"

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
PAGE_POLICY = (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; "
               b"connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
               b"form-action 'self'")
# The embeddable script and its stylesheet are loaded by other sites.
EMBEDDABLE = ("/static/widget.js", "/static/widget.css")
DOCS = ("/docs", "/redoc")


class ServiceMiddleware:
    """Wraps each HTTP request: assigns a request id, rejects oversized bodies with 413, adds security
    headers (a strict CSP on pages), measures latency and writes one JSON access-log line."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, metrics: ServiceMetrics) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        token = request_id.set(rid)
        # The handler of unexpected errors runs outside this middleware (in Starlette's ServerErrorMiddleware),
        # after the context variable is reset: it finds the id here.
        scope[REQUEST_ID_KEY] = rid
        started = time.perf_counter()
        status_holder = {"status": 500}
        path = scope.get("path", "")
        limit = self.max_body_bytes
        too_large = f"request body is over {limit} bytes; send a shorter message"
        # Set when a streamed (chunked) body passes the limit: whatever the app then answers (FastAPI turns the
        # receive error into a 400 "error parsing the body") is replaced by the 413.
        overflow = {"seen": False, "answered": False, "started": False}

        async def forward(message: Message) -> None:
            if message["type"] == "http.response.start":
                overflow["started"] = True
                status_holder["status"] = message["status"]
                extra = [(b"x-request-id", rid.encode("latin-1")), *SECURITY_HEADERS]
                if not path.startswith(("/v1/", "/metrics", "/healthz", "/readyz", *EMBEDDABLE, *DOCS)):
                    extra.append(PAGE_POLICY)
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        async def send_wrapper(message: Message) -> None:
            if overflow["answered"]:
                return
            if overflow["seen"] and message["type"] == "http.response.start":
                overflow["answered"] = True
                await _reject(forward, 413, too_large)
                return
            await forward(message)

        received = 0

        async def receive_wrapper() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow["seen"] = True
                    raise PayloadTooLargeError(too_large)
            return message

        try:
            declared = headers.get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                await _reject(forward, 413, too_large)
                return
            try:
                await self.app(scope, receive_wrapper, send_wrapper)
            except PayloadTooLargeError:
                if overflow["started"]:
                    raise
                overflow["answered"] = True
                await _reject(forward, 413, too_large)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            self.metrics.request_seconds.labels(route_path, scope.get("method", "")).observe(elapsed)
            status = status_holder["status"]
            if status >= 400:
                self.metrics.errors.labels(str(status)).inc()
            access_log.info("request", extra={"method": scope.get("method"), "path": path, "status": status,
                                              "ms": round(elapsed * 1000, 2)})
            request_id.reset(token)


async def _reject(send: Send, status: int, detail: str) -> None:
    import json

    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
