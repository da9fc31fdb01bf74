#!/usr/bin/env python
"""Benchmark of the HTTP service, end to end: the real server, a real database, realistic questions.

Usage::

    .venv/bin/python scripts/bench_service.py [--db sqlite|postgresql] [--workers N] [--sessions 50]
        [--duration 20] [--rate 300] [--lost-sessions 200] [--lost-messages 10] [--reloads 3]
        [--client raw|httpx] [--server-env KEY=VALUE ...] [--skip PHASES] [--json FILE] [--quick]
        [--py-spy FILE [--py-spy-gil]]

    # e.g. the full runs of notes/bench_service.md:
    .venv/bin/python scripts/bench_service.py --db postgresql --workers 2 --json /tmp/pg-w2.json
    .venv/bin/python scripts/bench_service.py --db sqlite --server-env OPENBLAS_NUM_THREADS=1

It starts `python -m bot serve --port P --workers N` itself in a subprocess, with the rate limits off and
WARNING logs, against a fresh database: a temporary SQLite file (`--db sqlite`), or a fresh schema
`bench_<pid>` in PostgreSQL (`--db postgresql`, URL `--pg-url`, default
postgresql://postgres@127.0.0.1:5432/test; the schema is chosen with `options=-csearch_path=...` and
dropped afterwards, so tables others use in that database are never touched). The server gets a private
copy of the published index (`artifacts/index`) and embedding cache, so `rebuild=true` never publishes
into the project's artifacts; when the published index is stale, the copy is brought up to date first
(`--no-build` serves it as it is). `--server-env` adds environment variables for the server only, to
measure a configuration change without touching the code.

Phases, in order (all numbers are also written to `--json FILE`):

1. start-up: time from process start to the first `/readyz` 200 (`--workers 2`: the first worker).
2. throughput: `--sessions` virtual users, each with its own session and keep-alive connection, send
   knowledge-base alternate questions (all languages, one language per user) through `POST /v1/chat`
   back to back for `--duration` s ("closed loop": the server's maximum; latency is then mostly queueing,
   since latency = sessions / throughput).
3. latency at a fixed load: the same users send Poisson arrivals totalling `--rate` turns/s for
   `--duration` s; latency counts from the scheduled send time, so a slow server cannot hide its backlog.
   Then the same at half the throughput of phase 2 ("paced_half"; not in --quick): the latency at a load
   the server can carry.
4. reload under load: closed-loop load while an admin calls `POST /v1/admin/reload?rebuild=false`
   `--reloads` times and `rebuild=true` once (admin token from `python -m bot admins create bench`);
   requests that fail while a reload runs are reported, with the latency during and outside reloads.
5. lost messages: `--lost-sessions` users at once, each sending `--lost-messages` messages; afterwards
   the `messages` table (role 'user', per session) must hold every message that got a 200.
6. memory: RSS (and PSS) of the server process and its children after all the load.

After each phase the script waits until the server has worked off any backlog (a client that gives up
does not cancel the server's work), so phases do not bleed into each other. Users whose conversation is
handed to a person (status 'human') start a new session, as a real user would wait for the agent; in
phase 5 they keep their session (forwarded messages are stored as well).

The load generator is asyncio (uvloop when installed) with a minimal keep-alive HTTP/1.1 client
(`--client raw`, the default: about 0.3 ms of CPU per request, against about 7 ms for httpx on this
2-core machine) or `httpx.AsyncClient` with a pool sized to the users (`--client httpx`). Per phase the
report gives the CPU seconds of the server, of this client, of every other process on the machine (with
the local PostgreSQL's share) and the hypervisor's steal, since other load skews every number.

`--quick` is a smoke run of a few seconds per phase (used by tests/integration/test_bench_service.py).
`--py-spy FILE` records the server during phase 2 with py-spy when it is installed (not a project
dependency): `.svg` writes a flame graph, `.json` speedscope, anything else collapsed stacks;
`--py-spy-gil` samples only the thread holding the GIL. The exit status is 0 when the benchmark ran
(targets met or not; see "targets" in the JSON), 1 with `--strict` when a target is missed, 2 when the
server could not be started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
REQUEST_TIMEOUT = 30.0
ADMIN_TIMEOUT = 600.0
TARGETS = {"turns_per_second": 300.0, "p99_ms": 100.0, "memory_mb": 500.0, "ready_seconds": 3.0}


class StartupError(RuntimeError):
    """The server did not become ready."""


# ----------------------------------------------------------------------------------------------- clients


class Transport(Protocol):
    """One user's way to the server: a request returns (status, body); errors raise."""

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
        """Send one request and read the whole response."""
        ...

    async def close(self) -> None:
        """Release the connection."""
        ...


class RawHttp:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: one connection, one request at a time.

    Enough for uvicorn's responses (Content-Length or chunked bodies). A failed request closes the
    connection and is never retried, so every request the server saw was sent exactly once.
    """

    # uvicorn closes keep-alive connections idle for 5 s; reusing one just then would lose the request.
    MAX_IDLE_SECONDS = 4.0

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._last_used = 0.0

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
        """Send one request and read the whole response; on any error the connection is dropped."""
        try:
            return await asyncio.wait_for(self._roundtrip(method, path, body, headers or {}), timeout)
        except BaseException:
            await self.close()
            raise

    async def _roundtrip(self, method: str, path: str, body: bytes | None,
                         headers: dict[str, str]) -> tuple[int, bytes]:
        if self._writer is not None and (self._reader is None or self._reader.at_eof()
                                         or time.perf_counter() - self._last_used > self.MAX_IDLE_SECONDS):
            await self.close()   # closed by the server, or about to be: like any HTTP client, open a new one
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port, limit=1 << 22)
        assert self._reader is not None and self._writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].split(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        fields = {}
        for line in header_lines:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if b"content-length" in fields:
            data = await self._reader.readexactly(int(fields[b"content-length"]))
        elif fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            data = await self._read_chunked()
        else:
            data = await self._reader.read()
            await self.close()
        if fields.get(b"connection", b"").lower() == b"close":
            await self.close()
        self._last_used = time.perf_counter()
        return status, data

    async def _read_chunked(self) -> bytes:
        assert self._reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self._reader.readexactly(size + 2)
            if size == 0:
                return b"".join(parts)
            parts.append(chunk[:-2])

    async def close(self) -> None:
        """Close the connection (a later request opens a new one)."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


class HttpxHttp:
    """One user's view of a shared `httpx.AsyncClient` whose pool is sized to the number of users."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
        """Send one request through the pool."""
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
        response = await self.client.request(method, path, content=body, headers=headers, timeout=timeout)
        return response.status_code, response.content

    async def close(self) -> None:
        """Nothing to do: the pool is closed by whoever made it."""


class Clients:
    """Makes one transport per user, raw or through httpx, and closes whatever it made."""

    def __init__(self, kind: str, host: str, port: int, size: int) -> None:
        self.kind, self.host, self.port = kind, host, port
        self._made: list[Transport] = []
        self._pool: Any = None
        if kind == "httpx":
            import httpx

            self._pool = httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=REQUEST_TIMEOUT,
                                           limits=httpx.Limits(max_connections=size,
                                                               max_keepalive_connections=size))

    def new(self) -> Transport:
        """A transport for one user."""
        transport: Transport = HttpxHttp(self._pool) if self._pool is not None else RawHttp(self.host, self.port)
        self._made.append(transport)
        return transport

    async def close(self) -> None:
        """Close every connection."""
        await asyncio.gather(*(t.close() for t in self._made), return_exceptions=True)
        if self._pool is not None:
            await self._pool.aclose()


# ------------------------------------------------------------------------------------------- questions


def load_questions(kb_path: Path | None = None) -> dict[str, list[str]]:
    """Every alternate question of the knowledge base, by language."""
    from bot.config import load_settings
    from bot.kb.loader import load_knowledge_base

    settings = load_settings()
    kb = load_knowledge_base(kb_path or settings.resolve(settings.knowledge_base.path))
    by_language: dict[str, list[str]] = {}
    for entry in kb:
        for language, translation in entry.translations.items():
            by_language.setdefault(language, []).extend(translation.alt_questions)
    return {language: questions for language, questions in sorted(by_language.items()) if questions}


# ------------------------------------------------------------------------------------------ users, load


@dataclass
class Sample:
    """One request as the client saw it; times in seconds from the phase start."""

    start: float
    end: float
    latency: float
    status: str   # "200", "503", or an exception name such as "TimeoutError"
    action: str | None = None


class User:
    """A virtual user: one language, one session at a time, one keep-alive connection."""

    def __init__(self, transport: Transport, questions: list[str], rng: random.Random, *,
                 restart_on_handoff: bool = True) -> None:
        self.transport = transport
        self.questions = questions
        self.rng = rng
        self.restart_on_handoff = restart_on_handoff
        self.session_id: str | None = None
        self.token: str | None = None
        self.sessions_opened = 0
        self.handoffs = 0

    async def turn(self) -> tuple[str, str | None]:
        """Send one question; return the status (or exception name) and the action of a 200 answer."""
        payload: dict[str, Any] = {"text": self.rng.choice(self.questions)}
        headers = {}
        if self.session_id is not None:
            payload["session_id"] = self.session_id
            headers["X-Session-Token"] = self.token or ""
        try:
            status, raw = await self.transport.request("POST", "/v1/chat", json.dumps(payload).encode(), headers)
        except Exception as exc:   # any transport failure is one failed request of this benchmark
            return type(exc).__name__, None
        if status != 200:
            return str(status), None
        data = json.loads(raw)
        if self.session_id is None:
            self.session_id, self.token = data["session_id"], data["session_token"]
            self.sessions_opened += 1
        if data.get("status") == "human":
            self.handoffs += 1
            if self.restart_on_handoff:
                self.session_id = self.token = None
        return "200", data.get("action")


@dataclass
class LoadResult:
    """Samples of one load phase, with the CPU both sides spent."""

    samples: list[Sample]
    window: float   # seconds the load ran
    client_cpu: float
    server_cpu: float
    sessions_opened: int
    handoffs: int
    machine_cpu: float = 0.0   # busy CPU seconds of the whole machine (all processes)
    steal: float = 0.0   # CPU seconds the hypervisor gave to other virtual machines
    database_cpu: float = 0.0   # CPU seconds of local PostgreSQL processes (part of "others")
    events: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Turns/s, latency percentiles, errors by status, actions, CPU."""
        ok = [s for s in self.samples if s.status == "200"]
        completed_in_window = sum(1 for s in ok if s.end <= self.window)
        latencies = sorted(s.latency * 1000 for s in ok)
        return {
            "requests": len(self.samples),
            "ok": len(ok),
            "turns_per_second": round(completed_in_window / self.window, 1) if self.window else 0.0,
            "window_seconds": round(self.window, 2),
            "latency_ms": latency_summary(latencies),
            "errors": dict(Counter(s.status for s in self.samples if s.status != "200")),
            "actions": dict(Counter(s.action or "?" for s in ok)),
            "sessions_opened": self.sessions_opened,
            "handoffs": self.handoffs,
            "client_cpu_seconds": round(self.client_cpu, 2),
            "client_cpu_percent_of_one_core": round(100 * self.client_cpu / self.window, 1) if self.window else 0,
            "server_cpu_seconds": round(self.server_cpu, 2),
            "server_cpu_ms_per_turn": round(1000 * self.server_cpu / completed_in_window, 2)
            if completed_in_window else None,
            "other_processes_cpu_seconds": round(max(0.0, self.machine_cpu - self.client_cpu - self.server_cpu), 2),
            "steal_cpu_seconds": round(self.steal, 2),
            "postgres_cpu_seconds": round(self.database_cpu, 2),
        }


def postgres_cpu_seconds() -> float:
    """CPU seconds of the local PostgreSQL server processes so far (0 when there are none)."""
    total = 0.0
    for process in psutil.process_iter(["name"]):
        if (process.info.get("name") or "").startswith("postgres"):
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
    return total


def steal_seconds() -> float:
    """CPU seconds stolen by the hypervisor so far (0 outside virtual machines)."""
    return float(getattr(psutil.cpu_times(), "steal", 0.0))


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have spent so far (not idle, iowait or steal)."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of sorted values, linearly interpolated."""
    if not sorted_values:
        return float("nan")
    position = (len(sorted_values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def latency_summary(sorted_ms: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max and mean of latencies in milliseconds (None when there are none)."""
    if not sorted_ms:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    return {"p50": round(percentile(sorted_ms, 50), 2), "p95": round(percentile(sorted_ms, 95), 2),
            "p99": round(percentile(sorted_ms, 99), 2), "max": round(sorted_ms[-1], 2),
            "mean": round(sum(sorted_ms) / len(sorted_ms), 2)}


def make_users(clients: Clients, count: int, questions: dict[str, list[str]], seed: int, *,
               restart_on_handoff: bool = True) -> list[User]:
    """`count` users; user i speaks the i-th language (round robin), so every language is in the mix."""
    languages = list(questions)
    return [User(clients.new(), questions[languages[i % len(languages)]], random.Random(seed * 100_003 + i),
                 restart_on_handoff=restart_on_handoff) for i in range(count)]


async def run_load(users: list[User], server: ServerProcess, *, duration: float | None = None,
                   rate: float = 0.0, during: Callable[[float], Awaitable[list[dict[str, Any]]]] | None = None,
                   tail: float = 1.0) -> LoadResult:
    """Drive `users` until `duration` elapses, or until `during(t0)` has finished plus `tail` seconds.

    rate 0 = closed loop (each user sends its next message as soon as the answer arrives); rate > 0 =
    Poisson arrivals totalling `rate` turns/s, latency measured from each message's scheduled time.
    """
    samples: list[Sample] = []
    stop = asyncio.Event()
    t0 = time.perf_counter()
    cpu0, server0, machine0, steal0 = time.process_time(), server.cpu_seconds(), machine_busy_seconds(), steal_seconds()
    postgres0 = postgres_cpu_seconds()
    opened0 = sum(u.sessions_opened for u in users)
    handoffs0 = sum(u.handoffs for u in users)

    async def drive(user: User) -> None:
        mean_gap = len(users) / rate if rate > 0 else 0.0
        scheduled = time.perf_counter() + (user.rng.expovariate(1 / mean_gap) if rate > 0 else 0.0)
        while not stop.is_set():
            if rate > 0:
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
                    if stop.is_set():
                        return
            sent = time.perf_counter()
            origin = scheduled if rate > 0 else sent
            status, action = await user.turn()
            done = time.perf_counter()
            samples.append(Sample(sent - t0, done - t0, done - origin, status, action))
            if rate > 0:
                scheduled += user.rng.expovariate(1 / mean_gap)

    tasks = [asyncio.create_task(drive(user)) for user in users]
    events: list[dict[str, Any]] = []
    if during is not None:
        events = await during(t0)
        await asyncio.sleep(tail)
    else:
        await asyncio.sleep(duration or 0.0)
    window = time.perf_counter() - t0
    # CPU over the same window as the throughput (requests still in flight finish below, unmeasured).
    client_cpu, server_cpu = time.process_time() - cpu0, server.cpu_seconds() - server0
    machine_cpu, steal = machine_busy_seconds() - machine0, steal_seconds() - steal0
    database_cpu = postgres_cpu_seconds() - postgres0
    stop.set()
    await asyncio.gather(*tasks)
    return LoadResult(samples, window, client_cpu, server_cpu, sum(u.sessions_opened for u in users) - opened0,
                      sum(u.handoffs for u in users) - handoffs0, machine_cpu, steal, database_cpu, events)


async def warm_sessions(users: list[User]) -> None:
    """Each user's first message (opens its session); not measured."""
    await asyncio.gather(*(user.turn() for user in users))


# ---------------------------------------------------------------------------------------------- phases


async def phase_closed_loop(args: argparse.Namespace, server: ServerProcess,
                            questions: dict[str, list[str]], profile: py_spy | None = None) -> dict[str, Any]:
    """Phase 2: maximum throughput with `args.sessions` users back to back."""
    clients = Clients(args.client, server.host, server.port, args.sessions)
    try:
        users = make_users(clients, args.sessions, questions, seed=1)
        await warm_sessions(users)
        if profile is not None:
            profile.start(server, args.duration)
        result = await run_load(users, server, duration=args.duration)
        if profile is not None:
            profile.wait()
        return result.summary()
    finally:
        await clients.close()


async def phase_paced(args: argparse.Namespace, server: ServerProcess,
                      questions: dict[str, list[str]], rate: float) -> dict[str, Any]:
    """Phase 3: latency while the users offer `rate` turns/s in total."""
    clients = Clients(args.client, server.host, server.port, args.sessions)
    try:
        users = make_users(clients, args.sessions, questions, seed=2)
        await warm_sessions(users)
        summary = (await run_load(users, server, duration=args.duration, rate=rate)).summary()
        summary["offered_turns_per_second"] = rate
        return summary
    finally:
        await clients.close()


async def phase_reload(args: argparse.Namespace, server: ServerProcess, questions: dict[str, list[str]],
                       admin_token: str) -> dict[str, Any]:
    """Phase 4: closed-loop load while the index is reloaded `args.reloads` times and rebuilt once."""
    clients = Clients(args.client, server.host, server.port, args.sessions)
    admin = RawHttp(server.host, server.port)
    plan = [False] * args.reloads + [True]

    async def reloads(t0: float) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        for rebuild in plan:
            await asyncio.sleep(args.reload_gap)
            start = time.perf_counter() - t0
            try:
                status, raw = await admin.request(
                    "POST", f"/v1/admin/reload?rebuild={'true' if rebuild else 'false'}", b"",
                    {"Authorization": f"Bearer {admin_token}"}, timeout=ADMIN_TIMEOUT)
                body: Any = json.loads(raw) if raw else None
            except Exception as exc:   # reported, not fatal: the load goes on
                status, body = 0, {"error": f"{type(exc).__name__}: {exc}"}
            end = time.perf_counter() - t0
            index = body.get("index") if isinstance(body, dict) else None
            rss_after = (await asyncio.to_thread(server.memory))["rss_mb"]
            events.append({"rebuild": rebuild, "status": status, "start": round(start, 3), "end": round(end, 3),
                           "seconds": round(end - start, 3), "response": body,
                           # a rebuild that published a new build (the knowledge base changed meanwhile)
                           "new_build": bool(events) and index is not None and index != events[-1].get("index"),
                           "index": index, "server_rss_mb_after": rss_after})
        return events

    try:
        users = make_users(clients, args.sessions, questions, seed=3)
        await warm_sessions(users)
        result = await run_load(users, server, during=reloads, tail=args.reload_gap)
    finally:
        await clients.close()
        await admin.close()
    summary = result.summary()
    margin = 0.1
    windows = [(e["start"], e["end"] + margin) for e in result.events]

    def overlaps(sample: Sample) -> bool:
        return any(sample.start <= end and sample.end >= start for start, end in windows)

    during = [s for s in result.samples if overlaps(s)]
    outside = sorted(s.latency * 1000 for s in result.samples if not overlaps(s) and s.status == "200")
    summary.update(
        reloads=result.events,
        reload_failures=sum(1 for e in result.events if e["status"] != 200),
        requests_during_reloads=len(during),
        failed_during_reloads=sum(1 for s in during if s.status != "200"),
        errors_during_reloads=dict(Counter(s.status for s in during if s.status != "200")),
        latency_ms_during_reloads=latency_summary(sorted(s.latency * 1000 for s in during if s.status == "200")),
        latency_ms_outside_reloads=latency_summary(outside),
    )
    return summary


async def phase_lost(args: argparse.Namespace, server: ServerProcess, questions: dict[str, list[str]],
                     database_url: str) -> dict[str, Any]:
    """Phase 5: `args.lost_sessions` users at once, `args.lost_messages` each; compare 200s with stored rows."""
    clients = Clients(args.client, server.host, server.port, args.lost_sessions)
    users = make_users(clients, args.lost_sessions, questions, seed=4, restart_on_handoff=False)
    accepted: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    no_session = 0
    started = time.perf_counter()
    cpu0 = time.process_time()

    async def drive(user: User) -> None:
        nonlocal no_session
        for _ in range(args.lost_messages):
            status, _action = await user.turn()
            statuses[status] += 1
            if status == "200" and user.session_id is not None:
                accepted[user.session_id] += 1
            elif user.session_id is None:
                no_session += 1

    try:
        await asyncio.gather(*(drive(user) for user in users))
    finally:
        await clients.close()
    seconds = time.perf_counter() - started
    client_cpu = time.process_time() - cpu0
    await server.drain()   # requests the client gave up on may still be running: count after they finish
    stored = await asyncio.to_thread(count_user_messages, database_url, [u.session_id for u in users if u.session_id])
    lost = {sid: n - stored.get(sid, 0) for sid, n in accepted.items() if n > stored.get(sid, 0)}
    extra = {sid: n - accepted.get(sid, 0) for sid, n in stored.items() if n > accepted.get(sid, 0)}
    return {
        "sessions": args.lost_sessions, "messages_per_session": args.lost_messages,
        "sent": sum(statuses.values()), "accepted": sum(accepted.values()), "stored": sum(stored.values()),
        "lost": sum(lost.values()), "sessions_with_losses": len(lost),
        "stored_without_200": sum(extra.values()), "failed_before_session_opened": no_session,
        "statuses": dict(statuses), "seconds": round(seconds, 2),
        "turns_per_second": round(statuses["200"] / seconds, 1) if seconds else 0.0,
        "client_cpu_seconds": round(client_cpu, 2),
    }


def count_user_messages(database_url: str, session_ids: list[str]) -> dict[str, int]:
    """Stored user messages per session, straight from the `messages` table."""
    from sqlalchemy import func, select

    from bot.storage.db import Database
    from bot.storage.models import Message

    database = Database(database_url)
    counts: dict[str, int] = {}
    try:
        with database.session() as session:
            for offset in range(0, len(session_ids), 500):
                chunk = session_ids[offset:offset + 500]
                query = (select(Message.session_id, func.count()).where(Message.role == "user",
                                                                        Message.session_id.in_(chunk))
                         .group_by(Message.session_id))
                counts.update({sid: int(n) for sid, n in session.execute(query)})
    finally:
        database.dispose()
    return counts


# ---------------------------------------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """`python -m bot serve` in its own process group, with its log in a file."""

    def __init__(self, env: dict[str, str], workers: int, port: int, log_path: Path) -> None:
        self.env, self.workers, self.port, self.log_path = env, workers, port, log_path
        self.host = "127.0.0.1"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def start(self) -> None:
        """Launch the server; the start-up clock starts here."""
        log = self.log_path.open("wb")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", self.host, "--port", str(self.port),
             "--workers", str(self.workers)], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()

    async def wait_ready(self, timeout: float = 120.0) -> float:
        """Seconds from `start()` until `/readyz` answered 200."""
        assert self.proc is not None
        probe = RawHttp(self.host, self.port)
        while time.perf_counter() - self.started_at < timeout:
            if self.proc.poll() is not None:
                raise StartupError(f"the server exited with status {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _ = await probe.request("GET", "/readyz", timeout=2.0)
                if status == 200:
                    elapsed = time.perf_counter() - self.started_at
                    await probe.close()
                    return elapsed
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                pass
            await asyncio.sleep(0.02)
        raise StartupError(f"/readyz did not answer 200 within {timeout:.0f} s:\n{self.log_tail()}")

    async def drain(self, timeout: float = 180.0, quiet: float = 0.5) -> float:
        """Wait until work left over from a phase is done; return the seconds it took.

        A client that gave up does not cancel the server's threadpool work, so a phase can leave a backlog.
        `/readyz` runs its database ping in that same threadpool: once it answers within `quiet` seconds
        several times in a row, each time on a new connection (so, with several workers, on any of them),
        the backlog is gone.
        """
        started = time.perf_counter()
        in_a_row = 0
        while in_a_row < 2 * self.workers + 1 and time.perf_counter() - started < timeout:
            probe = RawHttp(self.host, self.port)
            sent = time.perf_counter()
            try:
                status, _ = await probe.request("GET", "/readyz", timeout=timeout)
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                status = 0
            finally:
                await probe.close()
            in_a_row = in_a_row + 1 if status == 200 and time.perf_counter() - sent < quiet else 0
            await asyncio.sleep(0.1)
        return time.perf_counter() - started

    def processes(self) -> list[psutil.Process]:
        """The server process and all its descendants (uvicorn workers, multiprocessing helpers)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        try:
            root = psutil.Process(self.proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        """User + system CPU of the process tree so far."""
        total = 0.0
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def memory(self) -> dict[str, Any]:
        """RSS and PSS of the process tree, in MB, in total and per process."""
        per_process = []
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                info = process.memory_full_info()
                per_process.append({"pid": process.pid, "name": " ".join(process.cmdline()[1:4])[:60],
                                    "rss_mb": round(info.rss / 2**20, 1),
                                    "pss_mb": round(getattr(info, "pss", info.rss) / 2**20, 1)})
        return {"rss_mb": round(sum(p["rss_mb"] for p in per_process), 1),
                "pss_mb": round(sum(p["pss_mb"] for p in per_process), 1), "processes": per_process}

    def stop(self) -> None:
        """SIGINT (uvicorn's graceful shutdown), a second SIGINT (forced), then SIGKILL to the process group
        this script started."""
        if self.proc is None or self.proc.poll() is not None:
            return
        for wait in (10, 5):
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_problems(self) -> list[str]:
        """Log lines at ERROR or CRITICAL, and tracebacks (the log level is WARNING)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [line[:500] for line in text.splitlines()
                if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line or line.startswith("Traceback")]


class py_spy:
    """Optional py-spy recording of the server during the closed-loop phase."""

    def __init__(self, output: Path, gil_only: bool = False) -> None:
        self.output = output
        self.gil_only = gil_only
        self.exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(self.exe).exists():
            raise SystemExit("--py-spy needs py-spy (pip install py-spy); it is not a project dependency")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, server: ServerProcess, seconds: float) -> None:
        """Sample the server's process tree for `seconds`."""
        assert server.proc is not None
        suffix = self.output.suffix.lower()
        form = {".svg": "flamegraph", ".json": "speedscope"}.get(suffix, "raw")
        self.proc = subprocess.Popen([self.exe, "record", "--pid", str(server.proc.pid), "--subprocesses",
                                      "--nonblocking", "--rate", "200", "--duration", str(max(1, int(seconds))),
                                      "--format", form, "--output", str(self.output),
                                      *(["--gil"] if self.gil_only else [])],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self) -> None:
        """Wait for py-spy to write its file."""
        if self.proc is not None:
            _, err = self.proc.communicate(timeout=60)
            if self.proc.returncode:
                print(f"py-spy failed: {err.decode(errors='replace')[-500:]}", file=sys.stderr)


# ------------------------------------------------------------------------------------------ environment


@dataclass
class Environment:
    """The temporary folder, database URL, and the server's environment variables."""

    temp: Path
    database_url: str
    env: dict[str, str]
    pg_schema: str | None = None
    pg_base_url: str | None = None
    index_current: bool | None = None
    built_seconds: float | None = None   # time to bring a stale private index copy up to date


def code_digest() -> str:
    """A short digest of the service's source (bot/, embeddings/, intents/): which code was measured."""
    import hashlib

    digest = hashlib.sha256()
    for folder in ("bot", "embeddings", "intents"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def with_search_path(url: str, schema: str) -> str:
    """`url` with libpq `options=-csearch_path=<schema>` added to its query."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def pg_execute(url: str, statement: str) -> None:
    """Run one DDL statement on PostgreSQL."""
    from sqlalchemy import text

    from bot.storage.db import Database

    database = Database(url)
    try:
        with database.engine.connect() as connection:
            connection.execute(text(statement))
            connection.commit()
    finally:
        database.dispose()


def index_is_current() -> bool | None:
    """True when the published index matches the knowledge base and intents (None when unknown)."""
    try:
        from bot import build
        from bot.config import load_settings

        settings = load_settings()
        kb = build.load_validated(settings, settings.resolve(settings.knowledge_base.path))
        digest = build.intents_hash(build.load_intents(build.INTENTS_DIR))
        return build.is_current(settings.resolve(settings.index.dir), kb, build.make_encoder(settings), digest)
    except Exception:   # a broken KB or missing index: the server start will say more
        return None


def prepare(args: argparse.Namespace) -> Environment:
    """Temp folder, private index copy, fresh database, server environment (the folder goes on failure)."""
    temp = Path(tempfile.mkdtemp(prefix="bench_service-"))
    try:
        return _prepare(args, temp)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _prepare(args: argparse.Namespace, temp: Path) -> Environment:
    from bot.config import load_settings

    settings = load_settings()
    env = dict(os.environ)
    if not args.shared_index:
        published = settings.resolve(settings.index.dir).resolve()
        if not published.is_dir():
            raise StartupError(f"no index at {published}: run scripts/build_index.py first")
        builds = temp / "index.builds"
        shutil.copytree(published, builds / published.name)
        os.symlink(os.path.relpath(builds / published.name, temp), temp / "index")
        env["INDEX_DIR"] = str(temp / "index")
        cache = settings.resolve(settings.index.cache_dir)
        if cache.is_dir():
            shutil.copytree(cache, temp / "cache")
        env["BOT__INDEX__CACHE_DIR"] = str(temp / "cache")
    environment = Environment(temp=temp, database_url="", env=env, index_current=index_is_current())
    if environment.index_current is False and not args.shared_index and not args.no_build:
        # The knowledge base or intents changed since the last publish: bring the private copy up to date, so
        # start-up is measured on a built index and rebuild=true in phase 4 is the usual "nothing to do".
        print("the published index is stale; building the benchmark's private copy first", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "scripts/build_index.py", "--if-stale", "--quiet", "--out",
                                 str(temp / "index")], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise StartupError(f"building the index failed:\n{result.stderr[-2000:]}")
        environment.built_seconds = round(time.perf_counter() - started, 1)
    if args.db == "sqlite":
        environment.database_url = f"sqlite:///{temp / 'bench.db'}"
    else:
        schema = f"bench_{os.getpid()}"
        try:
            pg_execute(args.pg_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            pg_execute(args.pg_url, f"CREATE SCHEMA {schema}")
        except Exception as exc:   # unreachable server, wrong URL: say so instead of a traceback
            raise StartupError(f"PostgreSQL at {args.pg_url}: {type(exc).__name__}: {exc}") from exc
        environment.pg_schema, environment.pg_base_url = schema, args.pg_url
        environment.database_url = with_search_path(args.pg_url, schema)
    env.update({
        "DATABASE_URL": environment.database_url,
        "BOT__SERVICE__RATE_LIMIT__PER_IP_PER_MINUTE": "0",
        "BOT__SERVICE__RATE_LIMIT__PER_SESSION_PER_MINUTE": "0",
        "BOT__SERVICE__LOG_LEVEL": args.log_level,
        "PYTHONUNBUFFERED": "1",
    })
    for item in args.server_env:
        key, _, value = item.partition("=")
        env[key] = value
    return environment


def cleanup(environment: Environment, keep: bool) -> None:
    """Drop the PostgreSQL schema and remove the temp folder (unless asked to keep them)."""
    if keep:
        print(f"kept {environment.temp}" + (f" and schema {environment.pg_schema}" if environment.pg_schema else ""))
        return
    if environment.pg_schema and environment.pg_base_url:
        with contextlib.suppress(Exception):
            pg_execute(environment.pg_base_url, f"DROP SCHEMA IF EXISTS {environment.pg_schema} CASCADE")
    shutil.rmtree(environment.temp, ignore_errors=True)


def create_admin_token(env: dict[str, str]) -> str:
    """`python -m bot admins create bench` on the benchmark's database; the token is its last line."""
    result = subprocess.run([sys.executable, "-m", "bot", "admins", "create", "bench"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise StartupError(f"creating the admin token failed:\n{result.stderr[-2000:]}")
    return result.stdout.strip().splitlines()[-1].strip()


# ---------------------------------------------------------------------------------------------- report


def half_of_max(report: dict[str, Any]) -> float:
    """Half the closed-loop throughput (at least 1 turn/s): a load the server can carry."""
    return max(1.0, round(report["throughput"]["turns_per_second"] / 2))


def targets(report: dict[str, Any]) -> dict[str, Any]:
    """Each target with the measured value and whether it is met."""
    paced = report.get("paced", {})
    closed = report.get("throughput", {})
    memory = report.get("memory", {})
    checks = {
        "max_turns_per_second": (closed.get("turns_per_second"), ">=", TARGETS["turns_per_second"]),
        "paced_turns_per_second": (paced.get("turns_per_second"), ">=", 0.95 * paced.get("offered_turns_per_second",
                                                                                          0)),
        "paced_p99_ms": ((paced.get("latency_ms") or {}).get("p99"), "<=", TARGETS["p99_ms"]),
        "lost_messages": (report.get("lost_messages", {}).get("lost"), "<=", 0),
        "failed_during_reloads": (report.get("reload", {}).get("failed_during_reloads"), "<=", 0),
        "memory_rss_mb": (memory.get("rss_mb"), "<=", TARGETS["memory_mb"]),
        "ready_seconds": (report.get("startup", {}).get("ready_seconds"), "<=", TARGETS["ready_seconds"]),
    }
    out = {}
    for name, (value, op, bound) in checks.items():
        met = None if value is None else (value >= bound if op == ">=" else value <= bound)
        out[name] = {"value": value, "target": f"{op} {round(bound, 1)}", "met": met}
    return out


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def print_table(report: dict[str, Any]) -> None:
    """The human-readable summary."""
    config = report["config"]
    print(f"\nservice benchmark: db={config['db']} workers={config['workers']} sessions={config['sessions']} "
          f"duration={config['duration']}s client={config['client']} loop={config['event_loop']}"
          + (f" server_env={' '.join(config['server_env'])}" if config["server_env"] else ""))
    print(f"load average before / after: {config['load_average_before']} / {config.get('load_average_after')}")
    rows: list[tuple[str, str, str]] = []
    startup = report.get("startup", {})
    rows.append(("start-up to /readyz 200", f"{_fmt(startup.get('ready_seconds'))} s"
                 + ("" if startup.get("index_current") is not False else " (published index was stale)"), "<= 3 s"))
    for key, label in (("throughput", "closed loop"), ("paced", "paced"), ("paced_half", "paced at half max"),
                       ("reload", "reload phase")):
        phase = report.get(key)
        if not phase:
            continue
        lat = phase["latency_ms"]
        offered = f" (offered {phase['offered_turns_per_second']:g}/s)" if "offered_turns_per_second" in phase else ""
        rows.append((f"{label}: turns/s{offered}", _fmt(phase["turns_per_second"]),
                     ">= 300" if key == "throughput" else ""))
        rows.append((f"{label}: latency p50 / p95 / p99 ms",
                     f"{_fmt(lat['p50'])} / {_fmt(lat['p95'])} / {_fmt(lat['p99'])}",
                     "p99 <= 100" if key == "paced" else ""))
        rows.append((f"{label}: errors", json.dumps(phase["errors"]) if phase["errors"] else "0", "0"))
        rows.append((f"{label}: CPU s server / client (% of a core) / others (postgres) / steal",
                     f"{_fmt(phase['server_cpu_seconds'])} / {_fmt(phase['client_cpu_seconds'])} "
                     f"({_fmt(phase['client_cpu_percent_of_one_core'])}%) / "
                     f"{_fmt(phase['other_processes_cpu_seconds'])} ({_fmt(phase.get('postgres_cpu_seconds'))}) / "
                     f"{_fmt(phase.get('steal_cpu_seconds'))}", ""))
    reload = report.get("reload")
    if reload:
        times = ", ".join(f"{'rebuild' if e['rebuild'] else 'reload'} {e['status']} {e['seconds']:.2f}s"
                          + (" (new build)" if e.get("new_build") else "") for e in reload["reloads"])
        rows.append(("reloads", times, "all 200"))
        rows.append(("requests during reloads: total / failed", f"{reload['requests_during_reloads']} / "
                     f"{reload['failed_during_reloads']}", "0 failed"))
        rows.append(("latency p99 ms during / outside reloads",
                     f"{_fmt(reload['latency_ms_during_reloads']['p99'])} / "
                     f"{_fmt(reload['latency_ms_outside_reloads']['p99'])}", ""))
    lost = report.get("lost_messages")
    if lost:
        rows.append((f"lost messages ({lost['sessions']} sessions x {lost['messages_per_session']})",
                     f"accepted {lost['accepted']}, stored {lost['stored']}, lost {lost['lost']}", "0 lost"))
        other = {k: v for k, v in lost["statuses"].items() if k != "200"}
        rows.append(("lost-messages phase: turns/s, non-200", f"{_fmt(lost['turns_per_second'])}, "
                     f"{json.dumps(other) if other else 0}", ""))
    memory = report.get("memory")
    if memory:
        rows.append((f"server memory after load ({len(memory['processes'])} processes)",
                     f"RSS {_fmt(memory['rss_mb'])} MB, PSS {_fmt(memory['pss_mb'])} MB", "<= 500 MB"))
    if report.get("server_log_problems"):
        rows.append(("server log ERROR lines", str(len(report["server_log_problems"])), "0"))
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    for name, value, target in rows:
        print(f"  {name.ljust(width)}  {value.ljust(value_width)}  {target}")
    missed = [name for name, check in report.get("targets", {}).items() if check["met"] is False]
    print(f"  targets missed: {', '.join(missed) if missed else 'none'}\n")


# ------------------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; --quick shrinks every phase."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help=f"PostgreSQL database (default {DEFAULT_PG_URL})")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    parser.add_argument("--sessions", type=int, default=50, help="concurrent users in phases 2-4 (default 50)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of phases 2 and 3 (default 20)")
    parser.add_argument("--rate", type=float, default=300.0, help="offered turns/s in phase 3 (default 300)")
    parser.add_argument("--lost-sessions", type=int, default=200, help="concurrent users in phase 5 (default 200)")
    parser.add_argument("--lost-messages", type=int, default=10, help="messages per user in phase 5 (default 10)")
    parser.add_argument("--reloads", type=int, default=3, help="rebuild=false reloads in phase 4 (default 3)")
    parser.add_argument("--reload-gap", type=float, default=2.0, help="seconds between reloads (default 2)")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw", help="load generator transport")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the server, e.g. OPENBLAS_NUM_THREADS=1 (repeatable)")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--shared-index", action="store_true",
                        help="serve artifacts/index itself instead of a private copy (rebuild=true publishes there)")
    parser.add_argument("--no-build", action="store_true",
                        help="serve a stale index as it is (default: bring the private copy up to date first)")
    parser.add_argument("--skip", default="",
                        help="comma-separated phases to skip: throughput,paced,paced_half,reload,lost")
    parser.add_argument("--json", type=Path, help="write every number to this file")
    parser.add_argument("--py-spy", type=Path, help="record the server with py-spy during the closed-loop phase")
    parser.add_argument("--py-spy-gil", action="store_true", help="with --py-spy: only the thread holding the GIL")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and PostgreSQL schema")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--quick", action="store_true", help="smoke mode: a few seconds per phase")
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions, args.duration, args.rate = min(args.sessions, 10), 2.0, min(args.rate, 50.0)
        args.lost_sessions, args.lost_messages = min(args.lost_sessions, 50), 2
        args.reloads, args.reload_gap = 1, 0.5
    return args


async def run(args: argparse.Namespace, environment: Environment, loop_name: str, report: dict[str, Any]) -> None:
    """Start the server, run the phases, stop it; fill `report` as the phases finish."""
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    questions = load_questions()
    report.update({
        "config": {"db": args.db, "workers": args.workers, "sessions": args.sessions, "duration": args.duration,
                   "rate": args.rate, "lost_sessions": args.lost_sessions, "lost_messages": args.lost_messages,
                   "reloads": args.reloads, "client": args.client, "event_loop": loop_name, "quick": args.quick,
                   "server_env": args.server_env, "load_average_before": [round(x, 2) for x in os.getloadavg()],
                   "cpus": os.cpu_count(), "python": sys.version.split()[0],
                   "questions": {lang: len(q) for lang, q in questions.items()},
                   "database": environment.database_url.split("?")[0].rsplit("/", 1)[0] + "/...",
                   "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "code_digest": code_digest()},
    })
    admin_token = await asyncio.to_thread(create_admin_token, environment.env)
    server = ServerProcess(environment.env, args.workers, args.port or free_port(), environment.temp / "server.log")
    server.start()
    try:
        ready = await server.wait_ready()
        manifest = json.loads((Path(environment.env.get("INDEX_DIR", ROOT / "artifacts/index")) / "manifest.json")
                              .read_text(encoding="utf-8")) if environment.env.get("INDEX_DIR") else {}
        report["config"]["index"] = {key: manifest.get(key) for key in ("built_at", "entries", "texts", "kb_hash")}
        report["startup"] = {"ready_seconds": round(ready, 3), "index_current": environment.index_current,
                             "index_built_first_seconds": environment.built_seconds,
                             "memory_at_ready": server.memory()}
        print(f"server ready in {ready:.2f} s (pid {server.proc.pid if server.proc else '?'}, port {server.port})",
              flush=True)
        profile = py_spy(args.py_spy, args.py_spy_gil) if args.py_spy else None
        timings: dict[str, float] = {}
        phases: list[tuple[str, Callable[[], Awaitable[dict[str, Any]]], Callable[[dict[str, Any]], str]]] = [
            ("throughput", lambda: phase_closed_loop(args, server, questions, profile),
             lambda r: f"closed loop: {r['turns_per_second']} turns/s"),
            ("paced", lambda: phase_paced(args, server, questions, args.rate),
             lambda r: f"paced at {args.rate:g}/s: p99 {r['latency_ms']['p99']} ms"),
            ("paced_half", lambda: phase_paced(args, server, questions, half_of_max(report)),
             lambda r: f"paced at {r['offered_turns_per_second']:g}/s: p99 {r['latency_ms']['p99']} ms"),
            ("reload", lambda: phase_reload(args, server, questions, admin_token),
             lambda r: f"reload: {r['failed_during_reloads']} failed during reloads"),
            ("lost_messages", lambda: phase_lost(args, server, questions, environment.database_url),
             lambda r: f"lost messages: {r['lost']}"),
        ]
        for name, phase, describe in phases:
            if name in skip or (name == "lost_messages" and "lost" in skip):
                continue
            if name == "paced_half" and (args.quick or "throughput" not in report):
                continue
            started = time.perf_counter()
            report[name] = await phase()
            timings[name] = round(time.perf_counter() - started, 2)
            drained = await server.drain()
            report[name]["backlog_drain_seconds"] = round(drained, 2)
            print(f"{describe(report[name])} ({timings[name]:.1f} s, then {drained:.1f} s until the server was idle)",
                  flush=True)
        report["phase_seconds"] = timings
        report["memory"] = server.memory()
    finally:
        server.stop()
        report["config"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        report["server_log_problems"] = server.log_problems()[:50]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write --json."""
    args = parse_args(argv)
    loop_name = "asyncio"
    try:
        import uvloop  # comes with uvicorn[standard]; a cheaper event loop leaves more CPU to the server

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        loop_name = "uvloop"
    except ImportError:
        pass
    try:
        environment = prepare(args)
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if environment.index_current is False and (args.shared_index or args.no_build):
        print("warning: the index is stale (run scripts/build_index.py --if-stale); rebuild=true will do a full "
              "build", file=sys.stderr)
    report: dict[str, Any] = {}
    try:
        asyncio.run(run(args, environment, loop_name, report))
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the report below is partial", file=sys.stderr)
        report["interrupted"] = True
    finally:
        cleanup(environment, args.keep)
    if "config" not in report:
        return 2
    report["targets"] = targets(report)
    print_table(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.strict and any(check["met"] is False for check in report["targets"].values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
