"""The authors' report over 100,000 stored messages, with the real encoder and the served index, in <= 60 s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_report_over_100k_messages_within_60_seconds(tmp_path: Path, shipped_index_dir: Path):
    """scripts/bench_report.py seeds 100,000 messages and times the report (reading, clustering, rendering)."""
    env = {**os.environ, "INDEX_DIR": str(shipped_index_dir)}
    result = subprocess.run([sys.executable, "scripts/bench_report.py", "--messages", "100000", "--json",
                             "--out", str(tmp_path / "report")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, env=env)
    assert result.stdout.strip(), result.stderr
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    assert numbers["messages"] >= 100_000 and numbers["clusters"] > 0
    assert numbers["total_seconds"] <= 60, numbers
    assert result.returncode == 0, result.stderr
