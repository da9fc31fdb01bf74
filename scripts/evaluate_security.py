#!/usr/bin/env python
"""Secret scanner numbers: `python scripts/evaluate_security.py [--per-kind N] [--json]`.

Recall and leaks on generated seed phrases (every BIP39 wordlist), private keys (hex, WIF), passwords and
2FA codes; false positives and scan time on the knowledge base's own questions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from bot.guard import SecurityGuard
from bot.kb.loader import load_knowledge_base
from bot.security.evaluation import false_positives, recall
from bot.security.secrets import SecretScanner
from bot.timing import latency


def main(argv: list[str] | None = None) -> int:
    """Print recall per kind and the false-positive rate on the knowledge base's questions."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = load_settings()
    kb = load_knowledge_base(settings.resolve(settings.knowledge_base.path))
    questions = [q for entry in kb for t in entry.translations.values() for q in t.questions()]
    scanner = SecretScanner()
    scanner.warm_up()
    guard = SecurityGuard(settings.brand)
    guard.warm_up()
    report = {"recall": recall(scanner, args.per_kind), "knowledge_base_questions": false_positives(scanner, questions),
              "scan_ms": latency(scanner.scan, questions), "whole_guard_ms": latency(guard.inspect, questions)}
    print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
