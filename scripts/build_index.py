#!/usr/bin/env python
"""Build the FAQ index from the knowledge base: `python scripts/build_index.py [--kb PATH] [--out DIR]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.authoring.check import check_knowledge_base, format_check
from bot.build import build_index
from bot.config import load_settings
from bot.errors import BotError


def describe(selftest: dict, intents: dict) -> str:
    """A few readable lines: self-test accuracy, weak spots, and the intent classifier's numbers."""
    lines = []
    if selftest:
        languages = " ".join(f"{k} {v:.2f}" for k, v in selftest["by_language"].items())
        crossed = " ".join(f"{k} {v:.2f}" for k, v in selftest["cross_lingual_top1"].items())
        lines += [f"self-test (leave one alternate question out): top-1 {selftest['leave_one_out_top1']:.3f} "
                  f"over {selftest['questions']} questions", f"  by language: {languages}",
                  f"  without the entry's own language: {crossed}"]
        if selftest["weakest_entries"]:
            lines.append("  weakest entries: " + ", ".join(f"{e} {v:.2f}" for e, v in selftest["weakest_entries"][:5]))
        if selftest["confusable_pairs"]:
            lines.append("  confusable pairs: " + ", ".join(f"{a} <-> {b} ({n})"
                                                             for a, b, n in selftest["confusable_pairs"][:5]))
    if intents:
        lines.append(f"intents: {intents['intents']} intents, {intents['examples']} examples, cross-validated "
                     f"accuracy {intents['cv_accuracy']:.3f}, out-of-scope recall {intents['cv_oos_recall']:.3f}, "
                     f"threshold {intents['threshold']:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build, print a summary; exit 1 with the list of problems on invalid input."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, help="knowledge base folder, or a .jsonl / .csv export")
    parser.add_argument("--out", type=Path, help="index folder (default: index.dir in config.yaml)")
    parser.add_argument("--config", type=Path, help="config file (default: config.yaml)")
    parser.add_argument("--if-stale", action="store_true", help="do nothing when the index is up to date")
    parser.add_argument("--no-selftest", action="store_true", help="skip the leave-one-out self-test")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument("--json", action="store_true", help="print the self-test and intent numbers as JSON")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        # The authors' check (schema, lint, translations, diff against the served index) before any swap.
        check = check_knowledge_base(settings, kb_path=args.kb, index_dir=args.out, selftest=False)
        if not args.quiet or not check.ok:
            print(format_check(check), file=sys.stderr)
        if not check.ok:
            return 1
        result = build_index(settings, kb_path=args.kb, out=args.out, if_stale=args.if_stale,
                             progress=not args.quiet, selftest=not args.no_selftest)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if result.skipped:
        print(f"index is up to date ({result.entries} entries) at {result.folder}")
        return 0
    print(f"built {result.folder}: {result.entries} entries, {len(result.languages)} languages "
          f"({', '.join(result.languages)}), {result.texts} texts ({result.embedded} embedded, "
          f"{result.texts - result.embedded} from cache) in {result.seconds:.1f} s "
          f"({', '.join(f'{name} {value:.1f} s' for name, value in result.timings.items())})")
    if args.json:
        print(json.dumps({"selftest": result.selftest, "intents": result.intents}, ensure_ascii=False))
    else:
        print(describe(result.selftest, result.intents))
    return 0


if __name__ == "__main__":
    sys.exit(main())
