"""Two real server processes sharing PostgreSQL and Redis: live delivery across instances, claim races,
and handoffs that survive a restart."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.service.launcher import ServerProcess, agent_token
from bot.storage.api_tokens import TokenStore
from bot.storage.db import Database

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


def _postgres_database():
    """A fresh PostgreSQL database for this module, or a skip saying why there is none."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {exc}")
    name = f"cryptodesk_it_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    return admin, name


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, shipped_index_dir):
    """Instances A and B on one PostgreSQL database and one Redis, plus an agent token."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS}: {exc}")
    admin, name = _postgres_database()
    env = {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}", "REDIS_URL": REDIS,
           "INDEX_DIR": str(shipped_index_dir), "BOT__SERVICE__RATE_LIMIT__PER_IP_PER_MINUTE": "0",
           "BOT__SERVICE__RATE_LIMIT__PER_SESSION_PER_MINUTE": "0", "BOT__SERVICE__LOG_LEVEL": "WARNING",
           "BOT__HANDOFF__TEAMS": '[{"name": "global", "languages": ["*"]}]'}
    logs = tmp_path_factory.mktemp("instances")
    servers = [ServerProcess(env, log=logs / "a.log"), ServerProcess(env, log=logs / "b.log")]
    try:
        for server in servers:
            server.start()
        yield servers[0], servers[1], agent_token(env, "Anna"), env
    finally:
        for server in servers:
            server.stop()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _open_handoff(base: str) -> tuple[str, str, str]:
    chat = httpx.post(f"{base}/v1/chat", json={"text": "I need to talk to a human agent please"}, timeout=10)
    assert chat.status_code == 200, chat.text
    body = chat.json()
    session, token = body["session_id"], body["session_token"]
    handoff_id = body["handoff_id"]
    if handoff_id is None:   # the policy answered instead: ask explicitly
        handoff_id = httpx.post(f"{base}/v1/sessions/{session}/handoff", json={},
                                headers={"X-Session-Token": token}, timeout=10).json()["handoff_id"]
    return session, token, handoff_id


def test_agent_on_b_reaches_user_on_a_live(cluster):
    """The user's WebSocket is on instance A, the agent works on instance B; every reply arrives live.

    The delivery times are printed; the 200 ms p99 target is measured by scripts/bench_handoff.py on an
    idle machine, not asserted here where other tests compete for the two cores."""
    from websockets.sync.client import connect

    a, b, token, _ = cluster
    session, session_token, handoff_id = _open_handoff(a.url)
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(f"{b.url}/v1/handoffs/{handoff_id}/claim", headers=auth).status_code == 200
    delays = []
    with connect(f"{a.ws_url}/v1/ws/{session}?token={session_token}") as socket:
        for number in range(40):
            text = f"reply {number} from Anna"
            sent = time.perf_counter()
            response = httpx.post(f"{b.url}/v1/handoffs/{handoff_id}/messages", json={"text": text}, headers=auth)
            assert response.status_code == 201, response.text
            while True:
                event = json.loads(socket.recv(timeout=5))
                if event.get("type") == "message" and event["message"]["text"] == text:
                    break
            delays.append(time.perf_counter() - sent)
    p99 = statistics.quantiles(delays, n=100)[98]
    print(f"cross-instance agent->user delivery: p50 {statistics.median(delays) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms")
    assert max(delays) < 5


def test_user_message_on_a_reaches_the_agent_console_feed_on_b(cluster):
    """While a person owns the conversation, the user's message on A shows up in B's agent feed."""
    from websockets.sync.client import connect

    a, b, token, _ = cluster
    session, session_token, _handoff_id = _open_handoff(a.url)
    with connect(f"{b.ws_url}/v1/agent/ws?token={token}") as feed:
        response = httpx.post(f"{a.url}/v1/chat", json={"session_id": session, "text": "my txid is 0xdeadbeef"},
                              headers={"X-Session-Token": session_token})
        assert response.json()["action"] == "queued"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            event = json.loads(feed.recv(timeout=5))
            if event.get("type") == "message" and event["session_id"] == session:
                assert event["message"]["text"] == "my txid is 0xdeadbeef"
                return
    pytest.fail("the user's message never reached the agent feed")


def test_fifty_concurrent_claims_across_instances_have_one_winner(cluster):
    """25 claims on each instance at once: exactly one 200, every other claim 409, owner unchanged."""
    a, b, _, env = cluster
    tokens = [TokenStore(Database(env["DATABASE_URL"])).create(f"agent{i}")[1] for i in range(5)]
    _, _, handoff_id = _open_handoff(a.url)

    def claim(index: int) -> int:
        base = (a, b)[index % 2].url
        headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
        return httpx.post(f"{base}/v1/handoffs/{handoff_id}/claim", headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(claim, range(50)))
    assert statuses.count(200) == 1 and statuses.count(409) == 49


def test_handoff_and_transcript_survive_a_restart(cluster):
    """Instance A restarts; the queued handoff, its packet and the user's transcript are all still there."""
    a, _b, token, _ = cluster
    session, session_token, handoff_id = _open_handoff(a.url)
    a.stop()
    a.start()
    auth = {"Authorization": f"Bearer {token}"}
    queued = httpx.get(f"{a.url}/v1/handoffs?status=queued", headers=auth).json()["handoffs"]
    mine = next(item for item in queued if item["id"] == handoff_id)
    assert mine["packet"]["transcript"] and mine["session_id"] == session
    transcript = httpx.get(f"{a.url}/v1/sessions/{session}/messages", headers={"X-Session-Token": session_token})
    assert [m["role"] for m in transcript.json()["messages"]][:1] == ["user"]
