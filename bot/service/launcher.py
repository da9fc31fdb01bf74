"""Start and stop real `python -m bot serve` processes on free ports: for benchmarks, multi-instance tests
and demos. Each waits until /readyz answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parents[2]   # the checkout: `python -m bot` runs from here


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """One `python -m bot serve` process; `start()` waits for /readyz, `stop()` terminates it."""

    def __init__(self, env: dict[str, str], port: int | None = None, log: Path | None = None) -> None:
        self.env = {**os.environ, "BOT__SERVICE__RELOAD_POLL_SECONDS": "0", **env}
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base HTTP URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """Base WebSocket URL."""
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        """Launch and wait until ready; raise with the server's output when it does not come up."""
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(self.port)],
                                        cwd=PROJECT, env=self.env, stdout=output, stderr=output)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self._tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout} s: {self._tail()}")

    def stop(self) -> None:
        """Terminate (then kill) the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log and self.log.exists() else "(no log)"


def agent_token(env: dict[str, str], name: str, role: str = "agent") -> str:
    """A new agent (or admin) token created with the real CLI against the servers' database."""
    command = "agents" if role == "agent" else "admins"
    done = subprocess.run([sys.executable, "-m", "bot", command, "create", name], cwd=PROJECT,
                          env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]
