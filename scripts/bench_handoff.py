"""Handoff across instances: how fast an agent's reply reaches the user, and whether claims stay single.

Starts two real server processes on one PostgreSQL database and one Redis (both required), opens
handoffs on instance A with the user's WebSocket connected there, and has an agent on instance B:

1. reply N times; each delay is from sending the agent's POST to the message arriving on the user's socket
   (target: p99 <= 200 ms);
2. claim one handoff 50 times at once, half through each instance (target: exactly one winner).

    python scripts/bench_handoff.py [--messages 200] [--claims 50] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from bot.service.launcher import ServerProcess
from bot.storage.api_tokens import TokenStore
from bot.storage.db import Database

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


def open_handoff(base: str) -> tuple[str, str, str]:
    """A new session on `base` with a queued handoff: (session id, session token, handoff id)."""
    body = httpx.post(f"{base}/v1/chat", json={"text": "hello"}, timeout=30).json()
    session, token = body["session_id"], body["session_token"]
    handoff = httpx.post(f"{base}/v1/sessions/{session}/handoff", json={}, headers={"X-Session-Token": token},
                         timeout=30).json()
    return session, token, handoff["handoff_id"]


def measure_delivery(a: ServerProcess, b: ServerProcess, agent: str, messages: int) -> list[float]:
    """Seconds from the agent's POST on B to the message on the user's WebSocket on A."""
    session, token, handoff_id = open_handoff(a.url)
    auth = {"Authorization": f"Bearer {agent}"}
    httpx.post(f"{b.url}/v1/handoffs/{handoff_id}/claim", headers=auth, timeout=30).raise_for_status()
    delays = []
    with connect(f"{a.ws_url}/v1/ws/{session}?token={token}") as socket, httpx.Client(timeout=30) as client:
        for number in range(messages):
            text = f"agent reply {number}"
            started = time.perf_counter()
            client.post(f"{b.url}/v1/handoffs/{handoff_id}/messages", json={"text": text}, headers=auth)
            while True:
                event = json.loads(socket.recv(timeout=10))
                if event.get("type") == "message" and event["message"]["text"] == text:
                    break
            delays.append(time.perf_counter() - started)
    return delays


def race_claims(a: ServerProcess, b: ServerProcess, agents: list[str], claims: int) -> list[int]:
    """Statuses of `claims` simultaneous claims of one handoff, alternating between the instances."""
    _, _, handoff_id = open_handoff(a.url)

    def claim(index: int) -> int:
        server = (a, b)[index % 2]
        headers = {"Authorization": f"Bearer {agents[index % len(agents)]}"}
        return httpx.post(f"{server.url}/v1/handoffs/{handoff_id}/claim", headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(claims) as pool:
        return list(pool.map(claim, range(claims)))


def main() -> int:
    """Run both measurements and print (and optionally save) the numbers."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--claims", type=int, default=50)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    name = f"cryptodesk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = f"postgresql://postgres@127.0.0.1:5432/{name}"
            env = {"DATABASE_URL": url, "REDIS_URL": REDIS, "BOT__SERVICE__LOG_LEVEL": "WARNING",
                   "BOT__SERVICE__RATE_LIMIT__PER_IP_PER_MINUTE": "0",
                   "BOT__SERVICE__RATE_LIMIT__PER_SESSION_PER_MINUTE": "0",
                   "BOT__HANDOFF__TEAMS": '[{"name": "global", "languages": ["*"]}]'}
            settings = load_settings(environ={**env})
            logs = Path(tempfile.mkdtemp())
            servers = [ServerProcess(env, log=logs / "a.log"), ServerProcess(env, log=logs / "b.log")]
            try:
                for server in servers:
                    server.start()
                tokens = TokenStore(Database(settings.storage.database_url))
                agents = [tokens.create(f"agent{i}")[1] for i in range(10)]
                delays = measure_delivery(servers[0], servers[1], agents[0], args.messages)
                statuses = race_claims(servers[0], servers[1], agents, args.claims)
            finally:
                for server in servers:
                    server.stop()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cuts = statistics.quantiles(delays, n=100)
    result = {"messages": len(delays), "delivery_p50_ms": round(statistics.median(delays) * 1000, 1),
              "delivery_p95_ms": round(cuts[94] * 1000, 1), "delivery_p99_ms": round(cuts[98] * 1000, 1),
              "delivery_max_ms": round(max(delays) * 1000, 1), "claims": len(statuses),
              "claim_winners": statuses.count(200), "claim_conflicts": statuses.count(409),
              "claim_other": len(statuses) - statuses.count(200) - statuses.count(409)}
    print(f"agent on B -> user's WebSocket on A, {result['messages']} messages: p50 {result['delivery_p50_ms']} ms, "
          f"p95 {result['delivery_p95_ms']} ms, p99 {result['delivery_p99_ms']} ms (target <= 200 ms)")
    print(f"{result['claims']} simultaneous claims over both instances: {result['claim_winners']} winner, "
          f"{result['claim_conflicts']} got 409, {result['claim_other']} other (target: exactly 1 winner)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if result["claim_winners"] == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
