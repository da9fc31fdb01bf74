#!/usr/bin/env python
"""Time the FAQ authors' report over many stored messages:
`python scripts/bench_report.py [--messages 100000] [--database URL] [--out DIR] [--json]`.

Seeds synthetic conversations (`bot.authoring.synthetic`) into a fresh SQLite file (or the given, empty,
database), then builds the report as `python -m bot report` does: the configured encoder clusters the
unanswered questions against the served index, and the HTML (with charts), JSON and CSV files are written.
Prints the seeding time, the report's phases, the total and the peak memory (RSS) of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.authoring.render import write_report
from bot.authoring.report import ReportOptions, build_report, load_served_index
from bot.authoring.synthetic import seed_conversations
from bot.config import load_settings
from bot.storage.db import Database
from embeddings.factory import make_encoder


def main(argv: list[str] | None = None) -> int:
    """Seed, report, print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--database", help="an empty database URL (default: a new SQLite file in a temp folder)")
    parser.add_argument("--out", type=Path, help="report folder (default: a temp folder)")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON line")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(args.database or f"sqlite:///{Path(scratch) / 'bench.db'}")
        database.migrate()
        started = time.perf_counter()
        seeded = seed_conversations(database, args.messages, seed=args.seed)
        seeding = time.perf_counter() - started
        database.dispose()   # the report starts from a cold connection pool, like the command
        encoder = make_encoder(settings)
        index, problem = load_served_index(settings)
        options = ReportOptions(batch_size=settings.encoder.batch_size, notes=[problem] if problem else [])
        started = time.perf_counter()
        report = build_report(database, encoder=encoder, index=index, options=options)
        built = time.perf_counter() - started
        files = write_report(report, args.out or Path(scratch) / "report")
        total = time.perf_counter() - started
        database.dispose()
    numbers = {"messages": seeded.messages, "sessions": seeded.sessions, "seed_seconds": round(seeding, 1),
               "report_seconds": round(built, 1), "render_seconds": round(total - built, 1),
               "total_seconds": round(total, 1), "phases": report["timings"],
               "unanswered": report["unanswered"]["occurrences"],
               "distinct_unanswered": report["unanswered"]["distinct_texts"],
               "clustered": report["unanswered"]["embedded"], "clusters": len(report["unanswered"]["clusters"]),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
               "encoder": encoder.identity, "files": len(files)}
    if args.json:
        print(json.dumps(numbers))
    else:
        print(f"seeded {seeded.messages} messages in {seeded.sessions} sessions in {seeding:.1f} s")
        print(f"report: {built:.1f} s ({', '.join(f'{k} {v} s' for k, v in report['timings'].items())}); "
              f"rendering and writing {total - built:.1f} s; total {total:.1f} s")
        print(f"{numbers['unanswered']} unanswered questions, {numbers['distinct_unanswered']} distinct, "
              f"{numbers['clustered']} clustered into {numbers['clusters']} clusters; peak RSS "
              f"{numbers['peak_rss_mb']} MB; encoder {encoder.identity}")
    return 0 if total <= 60 else 1


if __name__ == "__main__":
    sys.exit(main())
