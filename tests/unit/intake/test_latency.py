"""Whole conversations through the engine, with the step times printed (run with -s). The 5 ms a turn may add
is a benchmark target (`scripts/bench_intake.py`), not asserted here: a busy machine must not fail the suite."""

from __future__ import annotations

import statistics
import time

from bot.intake import IntakeEngine
from bot.security.entities import extract_entities
from tests.unit.intake.conftest import NOW

BTC_TXID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
MESSAGES = [f"It was sent on TRC20, txid {BTC_TXID}, 500 USDT", "around teatime", "2024-05-01 09:00",
            "no, the network was ERC20", "change the amount to 300", "skip", "no", "4", "250", "yes"]


def test_engine_step_latency(engine: IntakeEngine) -> None:
    prepared = [(text, extract_entities(text)) for text in MESSAGES]   # the guard extracts them anyway
    first = extract_entities("My USDT deposit hasn't arrived")
    timings: list[float] = []
    for _ in range(30):
        begin = time.perf_counter()
        step = engine.start("deposit_not_arrived", "en", first, now=NOW)
        timings.append(time.perf_counter() - begin)
        for text, entities in prepared:
            begin = time.perf_counter()
            step = engine.answer(step.state, text, entities, now=NOW)
            timings.append(time.perf_counter() - begin)
        assert step.kind == "done"
    steps_ms = sorted(t * 1000 for t in timings[len(MESSAGES) + 1:])   # the first conversation warms caches
    p95 = steps_ms[int(len(steps_ms) * 0.95)]
    print(f"\nintake step: mean {statistics.mean(steps_ms):.3f} ms, median {statistics.median(steps_ms):.3f} ms, "
          f"p95 {p95:.3f} ms, max {steps_ms[-1]:.3f} ms over {len(steps_ms)} steps")
