"""The service benchmark runs end to end in its smoke mode: real server, SQLite, no lost messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_quick_service_benchmark_on_sqlite(tmp_path: Path, shipped_index_dir: Path) -> None:
    """The smoke run starts the real server on the shipped index and reports every phase with nothing lost."""
    out = tmp_path / "bench.json"
    env = {**os.environ, "INDEX_DIR": str(shipped_index_dir)}
    result = subprocess.run([sys.executable, "scripts/bench_service.py", "--quick", "--db", "sqlite", "--json",
                             str(out)], cwd=ROOT, capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "lost messages" in result.stdout   # the human-readable table
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) >= {"config", "startup", "throughput", "paced", "reload", "lost_messages", "memory",
                           "targets", "server_log_problems"}
    assert report["config"]["quick"] is True and report["config"]["db"] == "sqlite"
    assert report["startup"]["ready_seconds"] > 0

    for phase in ("throughput", "paced", "reload"):
        numbers = report[phase]
        assert set(numbers) >= {"requests", "ok", "turns_per_second", "latency_ms", "errors",
                                "client_cpu_seconds", "server_cpu_seconds"}
        assert numbers["ok"] > 0, phase
        assert set(numbers["latency_ms"]) >= {"p50", "p95", "p99"}
        assert not any(status.startswith("5") for status in numbers["errors"]), (phase, numbers["errors"])

    reload = report["reload"]
    assert [event["rebuild"] for event in reload["reloads"]] == [False, True]
    assert all(event["status"] == 200 for event in reload["reloads"]), reload["reloads"]
    assert reload["requests_during_reloads"] > 0
    assert reload["failed_during_reloads"] == 0, reload["errors_during_reloads"]

    lost = report["lost_messages"]
    assert lost["accepted"] > 0
    assert lost["lost"] == 0, lost
    assert lost["stored"] >= lost["accepted"]

    assert report["memory"]["rss_mb"] > 0 and report["memory"]["processes"]
    assert set(report["targets"]) >= {"max_turns_per_second", "paced_p99_ms", "lost_messages",
                                      "failed_during_reloads", "memory_rss_mb", "ready_seconds"}
