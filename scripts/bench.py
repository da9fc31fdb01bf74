#!/usr/bin/env python
"""Speed benchmarks: `python scripts/bench.py [--queries N] [--synthetic N] [--skip-naive] [--out FILE]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import benchmark
from bot.config import load_settings


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print one JSON object (also written to --out)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--synthetic", type=int, default=100_000, help="synthetic entries (0 to skip)")
    parser.add_argument("--skip-naive", action="store_true", help="skip the sentence-transformers reference")
    parser.add_argument("--skip-build", action="store_true", help="skip the shipped-corpus build timings")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    settings = load_settings()
    report: dict = {}
    report["startup_seconds"] = benchmark.startup_seconds()
    report["ask"], sample = benchmark.ask_latency(settings, args.queries)
    report["peak_memory_mb_serving"] = round(benchmark.peak_memory_mb(), 1)
    if not args.skip_naive:
        report["naive_reference"] = benchmark.naive_reference(settings, sample)
        report["ratio_to_naive_p50"] = round(report["ask"]["p50_ms"] / report["naive_reference"]["p50_ms"], 3)
    if not args.skip_build:
        report["shipped_build"] = benchmark.shipped_build(settings)
    if args.synthetic:
        report["synthetic"] = benchmark.synthetic_build(settings, args.synthetic, min(args.queries, 300))
    report["peak_memory_mb"] = round(benchmark.peak_memory_mb(), 1)
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
