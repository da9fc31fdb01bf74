"""Browser-test fixtures: the real service in a subprocess on the shipped index, and Debian's chromium
driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 60
# Room for a loaded CI machine: a turn, or a message relayed by polling every 3 s, can take a few seconds.
expect.set_options(timeout=10_000)


def require_chromium() -> None:
    """Skip, saying how to fix it, when Debian's chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium chromium-driver)")


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Service:
    """A running `python -m bot serve`."""

    base_url: str
    database_url: str

    def agent_token(self, name: str) -> str:
        """A new agent token, made with `python -m bot agents create` against the service's database."""
        done = subprocess.run([sys.executable, "-m", "bot", "agents", "create", name], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, env={**os.environ, "DATABASE_URL": self.database_url})
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]


@contextmanager
def run_service(index_dir: Path, workdir: Path, **extra_env: str) -> Iterator[Service]:
    """Start the service on a free port with its own SQLite database; stop it afterwards."""
    port = free_port()
    database_url = f"sqlite:///{workdir / 'db.sqlite'}"
    env = {**os.environ, "DATABASE_URL": database_url, "INDEX_DIR": str(index_dir),
           "BOT__SERVICE__RELOAD_POLL_SECONDS": "0", **extra_env}
    log_path = workdir / "service.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_ready(process, base_url, log_path)
            yield Service(base_url, database_url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the service exited with {process.returncode}:\n{_tail(log_path)}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"/readyz was not 200 within {READY_TIMEOUT_SECONDS} s:\n{_tail(log_path)}")


def _tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-3000:]


@pytest.fixture(scope="session")
def shipped_index(shipped_index_dir: Path) -> Path:
    """The shipped knowledge base and intents indexed with the real encoder (shared by the whole session)."""
    require_chromium()
    return shipped_index_dir


@pytest.fixture(scope="session")
def service(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service, serving the chat page and API to same-origin pages."""
    with run_service(shipped_index, tmp_path_factory.mktemp("service")) as running:
        yield running


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Site:
    """A static site on another port: another origin than the service's."""

    origin: str
    root: Path


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A plain http.server in a thread, serving a folder the test writes pages into."""
    root = tmp_path_factory.mktemp("site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", root)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def cors_service(shipped_index: Path, other_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service with `other_site` as its one allowed CORS origin."""
    with run_service(shipped_index, tmp_path_factory.mktemp("cors-service"),
                     BOT__SERVICE__CORS_ORIGINS=json.dumps([other_site.origin])) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium, launched once per test module.

    Playwright's sync API runs an event loop in the main thread while it is open; closing it after each
    module keeps that loop from leaking into the tests that follow (they use asyncio.run)."""
    require_chromium()

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _note_csp_violation(problems: list[str], message) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        problems.append(f"CSP violation: {message.text}")


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Open pages in fresh browser contexts (English browser locale unless given); after the test, fail if any
    page had an uncaught script error or a Content-Security-Policy violation."""
    contexts = []
    problems: list[str] = []

    def open_page(**context_options: object):
        context = browser.new_context(**{"locale": "en-US", **context_options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", functools.partial(_note_csp_violation, problems))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def page(new_page):
    """A page in a fresh desktop-sized browser context."""
    return new_page(viewport={"width": 1280, "height": 800})
