"""Ordinary messages must come through the scanner untouched: measured on a hand-written list in 12 languages
and on every question of the knowledge base."""

from pathlib import Path

import pytest
import yaml

from bot.security.entities import extract_entities
from tests.unit.security.ordinary import ORDINARY_MESSAGES

KB_DIR = Path(__file__).resolve().parents[3] / "knowledge_base"
LANGUAGES = {"en", "zh-CN", "zh-TW", "ja", "ko", "ru", "es", "pt", "tr", "fr", "de", "ar"}


def knowledge_base_questions() -> list[tuple[str, str, str]]:
    """(entry id, language, text) of every question and alternate question in knowledge_base/*.yaml."""
    questions = []
    for path in sorted(KB_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["entries"]:
            for language, translation in entry["translations"].items():
                for text in [translation["question"], *translation.get("alt_questions", [])]:
                    questions.append((entry["id"], language, text))
    return questions


def test_ordinary_list_covers_every_language():
    assert len(ORDINARY_MESSAGES) >= 60
    assert any("\u0600" <= ch <= "\u06ff" for m in ORDINARY_MESSAGES for ch in m)


@pytest.mark.parametrize("message", ORDINARY_MESSAGES)
def test_ordinary_message_has_no_secret(scanner, message):
    result = scanner.scan(message)
    assert result.findings == [], result.redacted
    assert result.redacted == message


def test_knowledge_base_questions_have_no_secret(scanner):
    questions = knowledge_base_questions()
    assert len(questions) > 1000 and {language for _, language, _ in questions} == LANGUAGES
    flagged = [(entry, language, scanner.scan(text).redacted) for entry, language, text in questions
               if scanner.scan(text).findings]
    print(f"\nknowledge base: {len(flagged)} of {len(questions)} questions flagged "
          f"({len(flagged) / len(questions):.2%} false positives)")
    assert flagged == []


def test_entities_never_include_what_the_scanner_removed(scanner):
    text = "private key 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
    assert scanner.scan(text).kinds == ["private_key"]
    assert [e for e in extract_entities(text, scanner=scanner) if e.kind == "txid"] == []
