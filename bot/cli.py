"""Command line: `ask` (one question or a JSONL batch), `chat` (interactive terminal chat)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

from bot.config import load_settings
from bot.errors import BotError, InputError
from bot.pipeline import Assistant
from bot.state import ConversationState


def _assistant(args: argparse.Namespace) -> Assistant:
    assistant = Assistant(load_settings(args.config), index_dir=args.index)
    assistant.warm_up()
    return assistant


def _ask_jsonl(assistant: Assistant, source: BinaryIO, out: TextIO) -> int:
    """One JSON object per input line, same order; a bad line gets an `error` object, not a crash."""
    failures = 0
    for number, raw in enumerate(source, start=1):
        if not raw.strip():
            continue
        try:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise InputError("each line must be a JSON object with a string field 'text'")
            result = assistant.ask(item["text"], lang=item.get("lang")).to_dict()
        except json.JSONDecodeError as exc:
            failures += 1
            result = {"error": f"line {number}: not valid JSON ({exc.msg})"}
        except InputError as exc:
            failures += 1
            result = {"error": f"line {number}: {exc}"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return 1 if failures else 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question (text or --json) or a JSONL file of questions."""
    assistant = _assistant(args)
    if args.jsonl:
        if args.jsonl == "-":
            return _ask_jsonl(assistant, sys.stdin.buffer, sys.stdout)
        path = Path(args.jsonl)
        if not path.is_file():
            raise InputError(f"{path}: no such file; give a JSONL file with one {{\"text\": ...}} per line")
        with path.open("rb") as handle:
            return _ask_jsonl(assistant, handle, sys.stdout)
    if not args.text:
        raise InputError("give a question, e.g. python -m bot ask \"how do I withdraw USDT?\"")
    result = assistant.ask(" ".join(args.text), lang=args.lang)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(result.reply)
        print(f"\n[{result.action} · {result.faq_id or '-'} · {result.confidence:.2f} · {result.language}]")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Interactive chat in the terminal until EOF or 'quit'."""
    assistant = _assistant(args)
    state = ConversationState()
    print(f"{assistant.settings.brand.exchange_name} support assistant. Ask in any language; "
          "'quit' to leave.", flush=True)
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.strip().lower() in {"quit", "exit", ":q"}:
            return 0
        try:
            result = assistant.ask(text, state=state)
        except InputError as exc:
            print(f"bot> ({exc})")
            continue
        print(f"bot> {result.reply}\n     [{result.action} · {result.faq_id or '-'} · {result.confidence:.2f}"
              f" · {result.language}]", flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m bot`."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Crypto exchange support assistant")
    parser.add_argument("--config", type=Path, help="config file (default: config.yaml or $BOT_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question")
    ask.add_argument("text", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print the full result as JSON")
    ask.add_argument("--jsonl", metavar="FILE", help="answer every {\"text\"} line of FILE (- for stdin)")
    ask.add_argument("--lang", help="reply language (default: detected)")
    ask.add_argument("--index", type=Path, help="index folder (default: from config.yaml)")
    ask.set_defaults(func=cmd_ask)
    chat = sub.add_parser("chat", help="chat in the terminal")
    chat.add_argument("--index", type=Path, help="index folder (default: from config.yaml)")
    chat.set_defaults(func=cmd_chat)
    from bot.authoring.commands import register as register_authoring
    from bot.commands import register

    register(sub)
    register_authoring(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; errors are printed as one clear line and exit code 1 (2 for usage)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
