#!/usr/bin/env python
"""Run hand-written paraphrases through the whole assistant: `python scripts/evaluate_paraphrases.py [CSV]`.

The CSV (header `text,faq_id`) holds questions written without looking at the knowledge base's own
alternates; the default is the English validation set in tests/fixtures. Prints how many were answered
right, clarified with the right entry among the options, clarified without it, or otherwise handled.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from bot.errors import BotError
from bot.pipeline import Assistant

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "paraphrases_en.csv"


def main(argv: list[str] | None = None) -> int:
    """Print one line per miss and a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    try:
        assistant = Assistant(load_settings())
        assistant.warm_up()
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with args.csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    outcome: Counter[str] = Counter()
    for row in rows:
        result = assistant.ask(row["text"])
        offered = [option["faq_id"] for option in result.options]
        # "intake": answered from the entry, then the entry's intake form starts asking its questions.
        if result.action in ("answer", "intake") and result.faq_id == row["faq_id"]:
            outcome["answered_right"] += 1
            continue
        if result.action == "clarify":
            outcome["clarified_with_right_option" if row["faq_id"] in offered else "clarified_without_it"] += 1
        else:
            outcome[f"{result.action}_{'right' if result.faq_id == row['faq_id'] else 'other'}"] += 1
        print(f"{result.action:9} {row['text']!r} expected {row['faq_id']} got {result.faq_id or offered}")
    print(json.dumps({"questions": len(rows), **outcome}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
