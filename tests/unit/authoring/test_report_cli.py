"""`python -m bot report`: writes the files, prints a summary, and says what it could not do."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

import pytest

from bot.authoring.commands import register
from bot.errors import BotError
from tests.conftest import make_settings
from tests.unit.authoring import Conversation, migrated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    register(parser.add_subparsers(dest="command"))
    return parser


def test_report_command_writes_html_json_and_csv(tmp_path: Path, monkeypatch, capsys):
    """From a seeded database: the files, a one-line summary, and a note that no index was there to match."""
    import bot.authoring.commands as commands

    settings = make_settings(tmp_path, encoder__backend="hashing")
    monkeypatch.setattr(commands, "load_settings", lambda _config=None: settings)
    with migrated(tmp_path, "cli.db") as db:
        talk = Conversation(db, datetime.fromisoformat("2026-06-01T12:00:00"), "en")
        talk.user("can I stake ETH")
        talk.bot("fallback", reasons=["intent:unknown:0.70", "out_of_scope"])
        talk.user("how do I withdraw")
        talk.bot("answer", faq_id="withdraw.crypto")
        url = db.url
    out = tmp_path / "out"
    args = _parser().parse_args(["report", "--database", url, "--out", str(out), "--since", "2026-06-01",
                                 "--no-charts"])
    assert args.func(args) == 0
    captured = capsys.readouterr()
    assert "read 4 messages, 1 conversations: resolution 100.0%, handoff 0.0%, fallback 50.0%" in captured.out
    assert "1 unanswered questions in 1 clusters" in captured.out
    assert "nearest entries left out: no index at" in captured.err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["since"] == "2026-06-01" and report["unanswered"]["clusters"][0]["suggestion"] == "no_index"
    assert (out / "report.html").exists() and (out / "clusters.csv").read_text(encoding="utf-8").count("\n") == 2


def test_report_on_a_database_without_tables_says_what_to_do(tmp_path: Path, monkeypatch):
    """A database the service never migrated: a clear error, not a traceback."""
    import bot.authoring.commands as commands

    settings = make_settings(tmp_path, encoder__backend="hashing")
    monkeypatch.setattr(commands, "load_settings", lambda _config=None: settings)
    args = _parser().parse_args(["report", "--database", f"sqlite:///{tmp_path / 'empty.db'}", "--out",
                                 str(tmp_path / "out"), "--no-clusters"])
    with pytest.raises(BotError, match="migrations"):
        args.func(args)


def test_max_texts_must_be_positive(tmp_path: Path, monkeypatch):
    """--max-texts 0 is a usage error."""
    import bot.authoring.commands as commands

    monkeypatch.setattr(commands, "load_settings", lambda _config=None: make_settings(tmp_path))
    args = _parser().parse_args(["report", "--max-texts", "0"])
    with pytest.raises(BotError, match="at least 1"):
        args.func(args)
