"""FAQ authors' commands of `python -m bot`: `kb check`, `kb promote` and `report`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bot.config import load_settings
from bot.errors import InputError


def cmd_kb_check(args: argparse.Namespace) -> int:
    """Validate, lint, self-test and diff the knowledge base; exit 1 when it has errors."""
    from bot.authoring.check import check_knowledge_base, format_check

    settings = load_settings(args.config)
    report = check_knowledge_base(settings, kb_path=args.kb, index_dir=args.index, selftest=not args.no_selftest)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else format_check(report))
    return 0 if report.ok else 1


def cmd_kb_promote(args: argparse.Namespace) -> int:
    """Add a question to an entry's alternate questions (YAML edited in place), then optionally rebuild."""
    from bot.authoring.promote import promote_question

    settings = load_settings(args.config)
    kb_path = settings.resolve(args.kb or settings.knowledge_base.path)
    done = promote_question(kb_path, args.question, args.to, args.lang)
    print(f"added to {done.entry_id} [{done.language}] in {done.path}: {done.question!r} "
          f"({done.alternates} alternate questions now)")
    if args.rebuild:
        from bot.build import build_index

        result = build_index(settings, kb_path=args.kb, if_stale=True, progress=not args.quiet)
        state = "already up to date" if result.skipped else f"rebuilt in {result.seconds:.1f} s"
        print(f"index {state}: {result.folder}")
    else:
        print("rebuild to serve it: python scripts/build_index.py --if-stale")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write report.html, report.json and CSV tables from the stored conversations into --out."""
    from bot.authoring.render import write_report
    from bot.authoring.report import ReportOptions, build_report, load_served_index
    from bot.authoring.stream import parse_since
    from bot.storage.db import Database
    from embeddings.factory import make_encoder

    started = time.perf_counter()
    settings = load_settings(args.config)
    options = ReportOptions(since=parse_since(args.since), clusters=not args.no_clusters,
                            batch_size=settings.encoder.batch_size)
    if args.max_texts is not None:
        if args.max_texts < 1:
            raise InputError("--max-texts must be at least 1")
        options.max_texts = args.max_texts
    encoder = index = None
    if options.clusters:
        encoder = make_encoder(settings)
        index, problem = load_served_index(settings)
        if problem:
            options.notes.append(f"nearest entries left out: {problem}")
    database = Database(args.database or settings.storage.database_url)
    try:
        report = build_report(database, encoder=encoder, index=index, options=options)
    finally:
        database.dispose()
    files = write_report(report, args.out, charts=not args.no_charts)
    totals = report["totals"]
    print(f"read {report['messages']} messages, {totals['conversations']} conversations: resolution "
          f"{_pct(totals['resolution_rate'])}, handoff {_pct(totals['handoff_rate'])}, fallback "
          f"{_pct(totals['fallback_rate'])}; {report['unanswered']['occurrences']} unanswered questions in "
          f"{len(report['unanswered']['clusters'])} clusters")
    for note in report["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {', '.join(path.name for path in files)} to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def register(sub: argparse._SubParsersAction) -> None:
    """Add `kb check`, `kb promote` and `report` to the `python -m bot` parser."""
    kb = sub.add_parser("kb", help="knowledge-base author tools")
    actions = kb.add_subparsers(dest="kb_command", required=True)
    check = actions.add_parser("check", help="validate, lint, self-test and diff the knowledge base against "
                                             "the served index")
    check.add_argument("--kb", type=Path, help="knowledge base folder (default: knowledge_base.path)")
    check.add_argument("--index", type=Path, help="served index folder to diff against (default: index.dir)")
    check.add_argument("--no-selftest", action="store_true", help="skip the leave-one-out self-test")
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.set_defaults(func=cmd_kb_check)
    promote = actions.add_parser("promote", help="add a question to an entry's alternate questions")
    promote.add_argument("question", help="the question, as users ask it")
    promote.add_argument("--to", required=True, metavar="ENTRY_ID", help="the entry, e.g. withdraw.fees")
    promote.add_argument("--lang", required=True, help="the question's language, e.g. es")
    promote.add_argument("--kb", type=Path, help="knowledge base folder (default: knowledge_base.path)")
    promote.add_argument("--rebuild", action="store_true", help="rebuild the index afterwards (when stale)")
    promote.add_argument("--quiet", action="store_true", help="no progress output while rebuilding")
    promote.set_defaults(func=cmd_kb_promote)
    report = sub.add_parser("report", help="resolution, handoffs, unhelpful entries and unanswered questions")
    report.add_argument("--since", metavar="YYYY-MM-DD", help="only conversations from this day on (UTC)")
    report.add_argument("--out", type=Path, default=Path("artifacts/report"), help="output folder "
                        "(default: artifacts/report)")
    report.add_argument("--database", metavar="URL", help="database URL (default: storage.database_url)")
    report.add_argument("--no-clusters", action="store_true", help="skip embedding and clustering")
    report.add_argument("--no-charts", action="store_true", help="no matplotlib charts in the HTML")
    report.add_argument("--max-texts", type=int, help="distinct unanswered texts to cluster (default 3000)")
    report.set_defaults(func=cmd_report)
