"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the e-mail tests."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    """One delivered message: the envelope's sender and recipients, and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The server's handler: every accepted message, in arrival order; `port` is where the server listens."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep the message (aiosmtpd calls this for each DATA command)."""
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        """The first `count` messages, failing when they have not all arrived within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received[:count])
            time.sleep(0.05)
        raise AssertionError(f"expected {count} e-mail(s) within {timeout} s, got {len(self.received)}")

    def settled(self, quiet: float = 0.5) -> list[Received]:
        """Everything received once nothing new arrived for `quiet` seconds."""
        seen = -1
        while True:
            with self._lock:
                count = len(self.received)
            if count == seen:
                return list(self.received)
            seen = count
            time.sleep(quiet)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(*, credentials: tuple[str, str] | None = None) -> Iterator[Inbox]:
    """Run a server for the block; with `credentials`, it offers AUTH (without TLS: loopback only) and accepts
    exactly that login."""
    inbox = Inbox(port=free_port())
    options: dict[str, Any] = {}
    if credentials is not None:
        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == credentials
            if ok:
                inbox.logins.append((data.login.decode(), mechanism))
            return AuthResult(success=ok, handled=False)   # handled=False: the server answers 235 or 535

        options = {"authenticator": authenticate, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text/plain and text/html bodies of a received message, with "\n" line ends (SMTP sends CRLF)."""
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None, message
    return plain.get_content().replace("\r\n", "\n"), rich.get_content().replace("\r\n", "\n")
