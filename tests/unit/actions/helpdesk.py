"""A real helpdesk webhook endpoint on 127.0.0.1 that keeps every delivery, for the announcement tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Delivery:
    """One POST the endpoint accepted: its headers, raw body and parsed JSON."""

    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        """The parsed body: `{"event": ..., "data": ...}`."""
        return json.loads(self.body)


@dataclass
class Helpdesk:
    """The endpoint's record of deliveries; `url` is where it listens."""

    url: str = ""
    received: list[Delivery] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, delivery: Delivery) -> None:
        """Keep one delivery (called from the server's threads)."""
        with self._lock:
            self.received.append(delivery)

    def for_handoff(self, handoff_id: str, timeout: float = 10.0) -> list[Delivery]:
        """The deliveries about one handoff, once at least one arrived (failing after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [d for d in self.received if d.payload.get("data", {}).get("id") == handoff_id]
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no webhook delivery for handoff {handoff_id} within {timeout} s")


@contextmanager
def helpdesk() -> Iterator[Helpdesk]:
    """Run the endpoint for the block; it answers every POST with 204."""
    desk = Helpdesk()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            desk.add(Delivery(dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    desk.url = f"http://127.0.0.1:{server.server_port}/hooks/cryptodesk"
    try:
        yield desk
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
