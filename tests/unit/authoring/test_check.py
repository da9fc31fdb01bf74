"""`kb check`: schema errors, non-official links, missing translations, self-test and the diff against the
served index, on a copy of the fixture knowledge base indexed with the hashing encoder."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from bot.authoring.check import check_knowledge_base, format_check, missing_translations
from bot.authoring.commands import register
from bot.authoring.diff import diff_entries, entry_changes
from bot.build import build_index
from bot.config import Settings
from bot.kb.loader import load_knowledge_base
from bot.kb.model import FaqEntry, Translation
from tests.conftest import FIXTURE_KB, make_settings

NEW_ENTRY = """
  - id: withdraw.limits
    tags: [withdrawal]
    translations:
      en:
        question: What are my withdrawal limits?
        alt_questions: [daily withdrawal limit, how much can I withdraw per day, withdraw limit raise, limit]
        answer: Limits depend on your verification level.
"""


@pytest.fixture
def kb_settings(tmp_path: Path) -> Settings:
    """Settings on a copy of the fixture KB, with an index of the unchanged fixture being served."""
    shutil.copytree(FIXTURE_KB, tmp_path / "kb")
    settings = make_settings(tmp_path, encoder__backend="hashing", knowledge_base__path=str(tmp_path / "kb"))
    build_index(settings, progress=False, intents_dir=None)
    return settings


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unchanged_knowledge_base_passes_and_reuses_the_served_self_test(kb_settings: Settings):
    """No errors, no diff, self-test numbers taken from the served index's manifest."""
    report = check_knowledge_base(kb_settings)
    assert report.ok and report.errors == [] and report.unofficial_links == []
    assert report.entries == 5 and report.languages == ["en", "es", "zh-CN"]
    assert report.diff is not None and report.diff.empty and report.diff.served_built_at
    assert report.selftest["questions"] > 0 and "self-test numbers from the served index" in " ".join(report.notes)
    text = format_check(report)
    assert "no changes" in text and text.endswith("check passed")


def test_diff_lists_added_removed_and_changed_entries(kb_settings: Settings, tmp_path: Path):
    """An added entry, a removed one and a changed answer and alternate question, before any swap; the
    self-test then runs on the edited knowledge base."""
    kb = tmp_path / "kb"
    (kb / "withdraw.yaml").write_text((kb / "withdraw.yaml").read_text(encoding="utf-8") + NEW_ENTRY,
                                      encoding="utf-8")
    _edit(kb / "deposit.yaml", "Submit a recovery request", "Open a recovery request")
    _edit(kb / "deposit.yaml", "- forgot the XRP destination tag", "- forgot the XRP tag")
    security = kb / "security.yaml"
    text = security.read_text(encoding="utf-8")
    start = text.index("  - id: security.anti_phishing_code")
    security.write_text(text[:start], encoding="utf-8")
    report = check_knowledge_base(kb_settings)
    assert report.ok
    assert report.diff is not None
    assert (report.diff.added, report.diff.removed) == (["withdraw.limits"], ["security.anti_phishing_code"])
    assert report.diff.changed == {"deposit.wrong_network": ["en: answer", "en: +1/-1 alternate questions"]}
    assert report.selftest["questions"] > 0 and "served index" not in " ".join(report.notes)
    text = format_check(report)
    assert "1 added, 1 removed, 1 changed" in text and "+ withdraw.limits" in text
    assert "~ deposit.wrong_network: answer (en); +1/-1 alternate questions (en)" in text


def test_errors_and_unofficial_links_fail_the_check(kb_settings: Settings, tmp_path: Path):
    """A schema error and a phishing-style link: check fails, and the other checks still run."""
    kb = tmp_path / "kb"
    _edit(kb / "deposit.yaml", "an agent will review it.", "see https://kestrel-support.help/recover")
    _edit(kb / "withdraw.yaml", "    tags: [withdrawal, fee]\n", "    tags: [withdrawal, fee]\n    colour: red\n")
    report = check_knowledge_base(kb_settings, selftest=False)
    assert not report.ok
    assert any("unknown field(s) ['colour']" in e for e in report.errors)
    assert report.unofficial_links == [
        "deposit.yaml: deposit.wrong_network [en]: link to a non-official domain: https://kestrel-support.help"]
    assert report.entries == 4    # withdraw.fees fails the schema and is left out of the other checks
    assert report.diff is not None and report.diff.removed == ["withdraw.fees"]
    assert format_check(report).endswith("check FAILED: fix the errors above before building")


def test_missing_translations_per_language(kb_settings: Settings):
    """Every supported language lacking in an entry is listed (the fixture has en for all, es and zh-CN once)."""
    kb = load_knowledge_base(kb_settings.knowledge_base.path)
    missing = missing_translations(kb, ["en", "es", "ja"])
    assert "en" not in missing
    assert missing["es"] == ["deposit.not_arrived", "deposit.wrong_network", "security.2fa_lost",
                             "security.anti_phishing_code"]
    assert len(missing["ja"]) == 5 and len(missing["zh-CN"]) == 4


def test_without_a_served_index_there_is_no_diff(tmp_path: Path):
    """A first build: the check says there is nothing to diff against."""
    settings = make_settings(tmp_path, encoder__backend="hashing")
    report = check_knowledge_base(settings, selftest=False)
    assert report.ok and report.diff is None
    assert any(note.startswith("no diff: no index at") for note in report.notes)


def test_entry_changes_are_readable():
    """Translations added and removed, questions, tags."""
    old = FaqEntry("a.b", "a", {"en": Translation("Q", "A", ("x", "y")), "de": Translation("F", "A")}, tags=("t",))
    new = FaqEntry("a.b", "a", {"en": Translation("Q2", "A", ("y", "x")), "fr": Translation("Q", "R")})
    assert entry_changes(old, new) == ["tags", "de: translation removed", "en: question",
                                       "en: alternate questions reordered", "fr: translation added"]


def test_cli_exit_code_follows_the_check(kb_settings: Settings, tmp_path: Path, monkeypatch, capsys):
    """`kb check` exits 0 when fine and 1 on errors; --json prints the findings."""
    import bot.authoring.commands as commands

    monkeypatch.setattr(commands, "load_settings", lambda _config=None: kb_settings)
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["kb", "check", "--no-selftest", "--json"])
    assert args.func(args) == 0 and '"ok": true' in capsys.readouterr().out
    _edit(tmp_path / "kb" / "withdraw.yaml", "1 USDT on TRC20", "1 USDT on TRC20 at www.evil.example")
    args = parser.parse_args(["kb", "check", "--no-selftest"])
    assert args.func(args) == 1 and "www.evil.example" in capsys.readouterr().out


def test_diff_of_identical_entries_is_empty():
    """Entries read back from the index compare equal to the loaded ones."""
    kb = load_knowledge_base(FIXTURE_KB)
    served = [FaqEntry.from_dict(entry.to_dict()) for entry in kb]
    assert diff_entries(served, kb).empty
