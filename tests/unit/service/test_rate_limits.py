"""Rate limits: per session and per client address through the API, and both limiters with a fake clock."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from bot.errors import RateLimitedError
from bot.service.ratelimit import MemoryRateLimiter, RedisRateLimiter
from tests.unit.service import REDIS_URL, chat, new_session, receive_event, require_redis, turn_events


@pytest.fixture
def db_kind() -> str:
    """Limits do not depend on the database backend: SQLite only."""
    return "sqlite"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _assert_429(response) -> int:
    assert response.status_code == 429, response.text
    assert "too many requests" in response.json()["detail"]
    retry = int(response.headers["retry-after"])
    assert 1 <= retry <= 60
    return retry


def test_fourth_turn_of_a_session_in_a_minute_is_429(make_app):
    """With 3 turns per session per minute, the 4th is a 429 with Retry-After; another session is unaffected."""
    with TestClient(make_app(service__rate_limit__per_session_per_minute="3")) as client:
        first = new_session(client)
        chat(client, "what is the fee", first)
        chat(client, "thanks", first)
        response = client.post("/v1/chat", json={"text": "one more", "session_id": first["session_id"]},
                               headers={"X-Session-Token": first["session_token"]})
        _assert_429(response)
        new_session(client)
        feedback = client.post(f"/v1/sessions/{first['session_id']}/feedback",
                               json={"message_id": first["message_id"], "helpful": True},
                               headers={"X-Session-Token": first["session_token"]})
        assert feedback.status_code == 429


def test_fourth_request_from_one_address_in_a_minute_is_429(make_app):
    """With 3 chat requests per address per minute, the 4th from that address is a 429; other addresses go on."""
    app = make_app(service__rate_limit__per_ip_per_minute="3", service__trust_forwarded_for="true")
    with TestClient(app) as client:
        a = {"X-Forwarded-For": "203.0.113.7, 10.0.0.1"}
        for _ in range(3):
            assert client.post("/v1/chat", json={"text": "how do I withdraw"}, headers=a).status_code == 200
        _assert_429(client.post("/v1/chat", json={"text": "how do I withdraw"}, headers=a))
        b = {"X-Forwarded-For": "198.51.100.2"}
        assert client.post("/v1/chat", json={"text": "how do I withdraw"}, headers=b).status_code == 200


def test_forwarded_for_is_ignored_unless_trusted(make_app):
    """Without trust_forwarded_for, a spoofed X-Forwarded-For does not escape the per-address limit."""
    with TestClient(make_app(service__rate_limit__per_ip_per_minute="2")) as client:
        for n in range(2):
            headers = {"X-Forwarded-For": f"192.0.2.{n}"}
            assert client.post("/v1/chat", json={"text": "hi there"}, headers=headers).status_code == 200
        _assert_429(client.post("/v1/chat", json={"text": "hi there"}, headers={"X-Forwarded-For": "192.0.2.99"}))


def test_websocket_turns_are_limited_too(make_app):
    """Over the session limit, a WebSocket message gets an error event with status 429 and the socket stays open."""
    with TestClient(make_app(service__rate_limit__per_session_per_minute="2")) as client:
        first = new_session(client)
        with client.websocket_connect(f"/v1/ws/{first['session_id']}?token={first['session_token']}") as ws:
            ws.send_json({"type": "message", "text": "what is the fee"})
            turn_events(ws)
            ws.send_json({"type": "message", "text": "and again"})
            event = receive_event(ws)
            assert event["type"] == "error" and event["status"] == 429 and "too many" in event["detail"]
            ws.send_json({"type": "message", "text": "still limited"})
            assert receive_event(ws)["status"] == 429


class TestMemoryRateLimiter:
    """Token buckets: a minute's allowance at once, then one more per 60/N seconds."""

    def test_allowance_then_refill(self):
        """3 per minute: three hits pass, the 4th says retry in 20 s; 20 s later one more passes."""
        clock = FakeClock()
        limiter = MemoryRateLimiter(clock=clock)
        for _ in range(3):
            limiter.hit("k", 3)
        with pytest.raises(RateLimitedError) as limited:
            limiter.hit("k", 3)
        assert limited.value.retry_after == 20
        clock.now += 10
        with pytest.raises(RateLimitedError) as limited:
            limiter.hit("k", 3)
        assert limited.value.retry_after == 10
        clock.now += 10
        limiter.hit("k", 3)
        with pytest.raises(RateLimitedError):
            limiter.hit("k", 3)

    def test_keys_are_independent_and_zero_means_unlimited(self):
        """One key's bucket does not drain another's; a limit of 0 never limits."""
        limiter = MemoryRateLimiter(clock=FakeClock())
        limiter.hit("a", 1)
        limiter.hit("b", 1)
        with pytest.raises(RateLimitedError):
            limiter.hit("a", 1)
        for _ in range(1000):
            limiter.hit("c", 0)

    def test_a_full_minute_refills_the_whole_bucket_and_no_more(self):
        """After an idle minute the full allowance is back, but idling longer does not bank extra tokens."""
        clock = FakeClock()
        limiter = MemoryRateLimiter(clock=clock)
        for _ in range(5):
            limiter.hit("k", 5)
        clock.now += 3600
        for _ in range(5):
            limiter.hit("k", 5)
        with pytest.raises(RateLimitedError):
            limiter.hit("k", 5)


class FakeRedis:
    """The part of redis-py's client the limiter uses: pipeline().incr().expire().execute()."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.ttls: dict[str, int] = {}

    def pipeline(self) -> FakeRedis._Pipeline:
        return FakeRedis._Pipeline(self)

    class _Pipeline:
        def __init__(self, redis: FakeRedis) -> None:
            self.redis, self.ops = redis, []

        def incr(self, name: str) -> None:
            self.ops.append(("incr", name))

        def expire(self, name: str, seconds: int) -> None:
            self.ops.append(("expire", name, seconds))

        def execute(self) -> list:
            results = []
            for op in self.ops:
                if op[0] == "incr":
                    self.redis.counts[op[1]] = self.redis.counts.get(op[1], 0) + 1
                    results.append(self.redis.counts[op[1]])
                else:
                    self.redis.ttls[op[1]] = op[2]
                    results.append(True)
            return results


def _check_fixed_windows(limiter: RedisRateLimiter, clock: FakeClock) -> None:
    """Shared by the fake and the real Redis: counts per one-minute window, Retry-After to the window's end."""
    clock.now = 60 * 1_000_000 + 15.5   # 15.5 s into a window
    for _ in range(3):
        limiter.hit("session:s1", 3)
    with pytest.raises(RateLimitedError) as limited:
        limiter.hit("session:s1", 3)
    assert limited.value.retry_after == 45   # ceil(60 - 15.5)
    limiter.hit("session:s2", 3)   # another key has its own count
    clock.now += 44.4   # 59.9 s into the window: still limited, retry in 1 s
    with pytest.raises(RateLimitedError) as limited:
        limiter.hit("session:s1", 3)
    assert limited.value.retry_after == 1
    clock.now += 0.1   # the next window starts
    for _ in range(3):
        limiter.hit("session:s1", 3)
    with pytest.raises(RateLimitedError):
        limiter.hit("session:s1", 3)
    limiter.hit("session:s1", 0)   # 0 = unlimited


def test_redis_limiter_with_a_fake_redis_and_clock():
    """The Redis limiter counts fixed one-minute windows per key and expires each window's counter."""
    clock, fake = FakeClock(), FakeRedis()
    _check_fixed_windows(RedisRateLimiter(fake, prefix="t:", clock=clock), clock)
    assert set(fake.ttls.values()) == {61} and all(name.startswith("t:session:") for name in fake.counts)


@pytest.fixture
def real_redis():
    """A client of the Redis at 127.0.0.1:6379 and a key prefix of its own (its keys are deleted afterwards)."""
    client = require_redis()
    prefix = f"cdtest:{uuid.uuid4().hex}:"
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.mark.integration
def test_redis_limiter_against_real_redis(real_redis):
    """Against a real Redis, the same window rules hold and every counter key expires within 61 s."""
    client, prefix = real_redis
    clock = FakeClock()
    _check_fixed_windows(RedisRateLimiter(client, prefix=prefix, clock=clock), clock)
    keys = list(client.scan_iter(f"{prefix}*"))
    assert keys and all(0 < client.ttl(key) <= 61 for key in keys)


@pytest.mark.integration
def test_two_instances_share_the_session_limit_through_redis(real_redis, make_app):
    """Two app instances on one database and one Redis count a session's turns together."""
    client, _ = real_redis
    overrides = {"service__redis_url": REDIS_URL, "service__rate_limit__per_session_per_minute": "3"}
    with TestClient(make_app(**overrides)) as one, TestClient(make_app(**overrides)) as two:
        first = new_session(one)
        chat(one, "what is the fee", first)
        chat(two, "thanks", first)
        response = two.post("/v1/chat", json={"text": "again", "session_id": first["session_id"]},
                            headers={"X-Session-Token": first["session_token"]})
        _assert_429(response)
    keys = list(client.scan_iter(f"cryptodesk:rl:session:{first['session_id']}:*"))
    assert keys
    client.delete(*keys)
