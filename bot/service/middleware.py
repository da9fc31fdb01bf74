"""One pure-ASGI middleware for every HTTP request: request id, body limit, security headers, access log."""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.attachments.units import human_size
from bot.config import Settings
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
# The agent console shows attachment thumbnails from blob: URLs it makes from files fetched with its token.
AGENT_PAGE_POLICY = (PAGE_POLICY[0], PAGE_POLICY[1].replace(b"img-src 'self' data:", b"img-src 'self' data: blob:"))
AGENT_PAGE = "/agent"
# The embeddable script and its stylesheet are loaded by other sites.
EMBEDDABLE = ("/static/widget.js", "/static/widget.css")
DOCS = ("/docs", "/redoc")


UPLOAD_PATH = re.compile(r"\A/v1/sessions/[^/]+/attachments/?\Z")
# Room for the multipart framing around the file: boundaries, part headers, a long file name.
MULTIPART_OVERHEAD_BYTES = 16 * 1024


@dataclass(frozen=True)
class BodyLimits:
    """The one place that decides how large a request body may be: attachment uploads get the file limit
    plus multipart framing, everything else `service.max_body_bytes`."""

    default: int
    upload_file: int

    @classmethod
    def from_settings(cls, settings: Settings) -> BodyLimits:
        """The limits the settings ask for."""
        return cls(settings.service.max_body_bytes, settings.attachments.max_bytes)

    def for_request(self, method: str, path: str) -> tuple[int, str]:
        """The byte limit of this request's body, and the 413 message when it is passed."""
        if method == "POST" and UPLOAD_PATH.match(path):
            return (self.upload_file + MULTIPART_OVERHEAD_BYTES,
                    f"the upload is too large; files may be up to {human_size(self.upload_file)}: crop the "
                    "screenshot or send only the relevant part of the log")
        return self.default, f"request body is over {self.default} bytes; send a shorter message"


class ServiceMiddleware:
    """Wraps each HTTP request: assigns a request id, rejects oversized bodies with 413, adds security
    headers (a strict CSP on pages), measures latency and writes one JSON access-log line."""

    def __init__(self, app: ASGIApp, *, limits: BodyLimits, metrics: ServiceMetrics) -> None:
        self.app = app
        self.limits = limits
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
        limit, too_large = self.limits.for_request(scope.get("method", ""), path)
        # Set when a streamed (chunked) body passes the limit: whatever the app then answers (FastAPI turns the
        # receive error into a 400 "error parsing the body") is replaced by the 413.
        overflow = {"seen": False, "answered": False, "started": False}

        async def forward(message: Message) -> None:
            if message["type"] == "http.response.start":
                overflow["started"] = True
                status_holder["status"] = message["status"]
                extra = [(b"x-request-id", rid.encode("latin-1")), *SECURITY_HEADERS]
                if not path.startswith(("/v1/", "/metrics", "/healthz", "/readyz", *EMBEDDABLE, *DOCS)):
                    extra.append(AGENT_PAGE_POLICY if path == AGENT_PAGE else PAGE_POLICY)
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
