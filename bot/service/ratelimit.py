"""Per-client and per-session request limits (token buckets), local or shared through Redis."""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

from bot.errors import RateLimitedError


class RateLimiter(Protocol):
    """Takes one request from the bucket `key`, or raises RateLimitedError with a Retry-After."""

    def hit(self, key: str, per_minute: int) -> None: ...


class MemoryRateLimiter:
    """Token buckets in this process: the whole minute's allowance may be spent at once, then refills."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, per_minute: int) -> None:
        """Spend one token of `key`'s bucket of `per_minute` tokens; 0 means unlimited."""
        if per_minute <= 0:
            return
        rate = per_minute / 60.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise RateLimitedError(f"too many requests; try again in {math.ceil((1 - tokens) / rate)} s",
                                       retry_after=max(1, math.ceil((1 - tokens) / rate)))
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 100_000:
                self._forget_full(now)

    def _forget_full(self, now: float) -> None:
        # Buckets idle for over a minute are full again: dropping them changes nothing.
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}


class RedisRateLimiter:
    """Fixed one-minute windows counted in Redis, so every instance shares the same limits."""

    def __init__(self, client, prefix: str = "cryptodesk:rl:", clock=time.time) -> None:
        self._redis = client
        self._prefix = prefix
        self._clock = clock

    def hit(self, key: str, per_minute: int) -> None:
        """Count one request of `key` in the current minute; over `per_minute` raises."""
        if per_minute <= 0:
            return
        now = self._clock()
        window = int(now // 60)
        name = f"{self._prefix}{key}:{window}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, 61)
        count, _ = pipe.execute()
        if int(count) > per_minute:
            retry = max(1, math.ceil(60 - now % 60))
            raise RateLimitedError(f"too many requests; try again in {retry} s", retry_after=retry)
