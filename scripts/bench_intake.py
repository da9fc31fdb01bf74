"""What a guided-intake turn adds over a plain FAQ answer (target: <= 5 ms per turn).

Uses the built index (`make index`) and the shipped encoder; prints JSON.

    python scripts/bench_intake.py [--rounds 20] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threadpoolctl import threadpool_limits

from bot.config import load_settings
from bot.intake.benchmark import intake_overhead
from bot.pipeline import Assistant


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="repetitions of every conversation")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args()
    threadpool_limits(limits=1)   # as the service runs turns: one BLAS thread each
    result = intake_overhead(Assistant(load_settings()), rounds=args.rounds)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
