"""Latency percentiles of a callable, shared by the benchmark and evaluation scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def latency(call: Callable[[Any], object], inputs: Sequence[Any], warmup: int = 20) -> dict[str, float]:
    """p50/p99/mean milliseconds of `call` over `inputs`, after calling it on the first `warmup` of them."""
    for item in inputs[:warmup]:
        call(item)
    timings = []
    for item in inputs:
        started = time.perf_counter()
        call(item)
        timings.append((time.perf_counter() - started) * 1000)
    if not timings:
        return {"p50_ms": 0.0, "p99_ms": 0.0, "mean_ms": 0.0, "queries": 0}
    timings.sort()
    return {"p50_ms": round(statistics.median(timings), 3),
            "p99_ms": round(timings[max(int(len(timings) * 0.99) - 1, 0)], 3),
            "mean_ms": round(statistics.fmean(timings), 3), "queries": len(timings)}
