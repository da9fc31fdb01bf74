"""`kb promote`: the YAML is edited in place, comments and formatting survive, bad requests are refused."""

from __future__ import annotations

import argparse
import difflib
import functools
import shutil
from pathlib import Path

import pytest

from bot.authoring.commands import register
from bot.authoring.promote import edit_text, promote_question
from bot.errors import InputError
from bot.kb.loader import load_knowledge_base
from tests.conftest import FIXTURE_KB, make_settings

COMMENTED = """# Withdrawal FAQ: reviewed by the payments team.
category: withdraw
entries:
  # Fees change often: keep the examples generic.
  - id: withdraw.fees
    tags: [withdrawal, fee]   # searchable tags
    translations:
      en:
        question: "What are the withdrawal fees"
        alt_questions:
          - how much does it cost to withdraw USDT TRC20   # most asked
          - 'withdrawal fee for BTC'
        answer: |
          The fee depends on the coin and network.

          It is shown before you confirm.
      es:
        question: ¿Cuáles son las comisiones de retiro?
        alt_questions: [cuánto cuesta retirar USDT, comisión de retiro de BTC]  # flow style kept
        answer: >
          La comisión depende de la moneda
          y la red.
"""


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A copy of the fixture knowledge base, with a heavily commented withdraw.yaml."""
    folder = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, folder)
    (folder / "withdraw.yaml").write_text(COMMENTED, encoding="utf-8")
    return folder


def _added_lines(before: str, after: str) -> list[str]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "a line was changed or removed"
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_promote_appends_one_line_and_keeps_comments(kb: Path):
    """Exactly one added line, in the right list; every comment, quote and block scalar as it was."""
    done = promote_question(kb, "  withdraw fee   for ETH?  ", "withdraw.fees", "en")
    after = (kb / "withdraw.yaml").read_text(encoding="utf-8")
    assert _added_lines(COMMENTED, after) == ["          - withdraw fee for ETH?"]
    for comment in ("# Withdrawal FAQ", "# Fees change often", "# searchable tags", "# most asked",
                    "# flow style kept"):
        assert comment in after
    assert (done.entry_id, done.language, done.question, done.alternates) == (
        "withdraw.fees", "en", "withdraw fee for ETH?", 3)
    assert done.path == kb / "withdraw.yaml"
    loaded = load_knowledge_base(kb)
    assert loaded.entries["withdraw.fees"].translations["en"].alt_questions[-1] == "withdraw fee for ETH?"
    assert loaded.entries["withdraw.fees"].translations["en"].answer.startswith("The fee depends")


def test_promote_into_a_flow_list_keeps_it_on_one_line(kb: Path):
    """The Spanish alternates stay a one-line flow list, the folded answer untouched."""
    promote_question(kb, "¿por qué la comisión es tan alta?", "withdraw.fees", "es")
    after = (kb / "withdraw.yaml").read_text(encoding="utf-8")
    changed = [(old, new) for old, new in zip(COMMENTED.splitlines(), after.splitlines(), strict=True) if old != new]
    assert changed == [("        alt_questions: [cuánto cuesta retirar USDT, comisión de retiro de BTC]  "
                        "# flow style kept",
                        "        alt_questions: [cuánto cuesta retirar USDT, comisión de retiro de BTC, ¿por qué la "
                        "comisión es tan alta?] # flow style kept")]
    assert "        answer: >\n          La comisión depende de la moneda\n          y la red.\n" in after


def test_promote_quotes_what_yaml_would_misread(kb: Path):
    """A question with a colon or a leading quote is written so that it reads back unchanged."""
    for question in ("fee: how much?", "'quoted' fee", "#1 fee question", "true"):
        promote_question(kb, question, "withdraw.fees", "en")
    alternates = load_knowledge_base(kb).entries["withdraw.fees"].translations["en"].alt_questions
    assert alternates[-4:] == ("fee: how much?", "'quoted' fee", "#1 fee question", "true")


def test_the_shipped_style_files_get_a_one_line_insert(kb: Path):
    """The fixture files (the shipped style) change by one inserted line."""
    before = (kb / "deposit.yaml").read_text(encoding="utf-8")
    promote_question(kb, "deposit still not there after 3 hours", "deposit.not_arrived", "en")
    added = _added_lines(before, (kb / "deposit.yaml").read_text(encoding="utf-8"))
    assert added == ["          - deposit still not there after 3 hours"]


@pytest.mark.parametrize(("question", "entry", "lang", "message"), [
    ("how much does it cost to withdraw usdt   trc20", "withdraw.fees", "en", "already an alternate question of"),
    ("what are the withdrawal FEES", "withdraw.fees", "en", "already the en question of withdraw.fees"),
    ("deposit not credited yet", "withdraw.fees", "en", "already belongs to entry deposit.not_arrived"),
    ("new question", "withdraw.feez", "en", "did you mean withdraw.fees"),
    ("new question", "nothing.like_it", "en", "kb check"),
    ("nouvelle question", "withdraw.fees", "fr", "has no 'fr' translation (it has en, es)"),
    ("new question", "withdraw.fees", "xx", "unknown language code 'xx'"),
    ("   ", "withdraw.fees", "en", "empty"),
    ("x" * 301, "withdraw.fees", "en", "at most 300"),
])
def test_bad_requests_are_refused_and_nothing_is_written(kb: Path, question, entry, lang, message):
    """Duplicates (in any entry), unknown entries and languages, empty or overlong questions."""
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        promote_question(kb, question, entry, lang)
    assert (kb / "withdraw.yaml").read_text(encoding="utf-8") == COMMENTED


def test_language_aliases_are_normalised(kb: Path):
    """zh_cn is zh-CN, as in the loader."""
    done = promote_question(kb, "如何重置2FA", "security.2fa_lost", "zh_cn")
    assert done.language == "zh-CN"


def test_exports_are_not_edited(tmp_path: Path):
    """A JSONL or CSV export is refused with a clear message."""
    export = tmp_path / "faq.jsonl"
    export.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="help-centre export"):
        promote_question(export, "q", "a.b", "en")


def test_a_file_that_would_be_reformatted_is_left_alone():
    """When no indentation style reproduces the file, nothing is written."""
    odd = ("category: withdraw\nentries:\n- id: withdraw.fees\n  translations:\n     en:\n"
           "       question: Q\n       alt_questions:\n             - a\n       answer: A\n")
    with pytest.raises(InputError, match="by hand"):
        edit_text(odd, "withdraw.fees", "en", "b", Path("withdraw.yaml"))


def test_cli_promotes_and_rebuilds(kb: Path, tmp_path: Path, monkeypatch, capsys):
    """`kb promote ... --rebuild` writes the question and builds the index with it."""
    import bot.authoring.commands as commands
    from embeddings.index import FaqIndex

    shutil.copy(FIXTURE_KB / "withdraw.yaml", kb / "withdraw.yaml")   # four alternates, as the config needs
    settings = make_settings(tmp_path, encoder__backend="hashing", knowledge_base__path=str(kb))
    monkeypatch.setattr(commands, "load_settings", lambda _config=None: settings)
    from bot import build

    monkeypatch.setattr(build, "build_index", functools.partial(build.build_index, intents_dir=None))
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["kb", "promote", "withdraw fee for ETH", "--to", "withdraw.fees", "--lang", "en",
                              "--rebuild", "--quiet"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "added to withdraw.fees [en]" in out and "index rebuilt" in out
    index = FaqIndex.load(tmp_path / "index")
    fees = next(e for e in index.entries if e.id == "withdraw.fees")
    assert "withdraw fee for ETH" in fees.translations["en"].alt_questions
