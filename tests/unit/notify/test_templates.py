"""The e-mail texts: every supported language, every event, nothing left unfilled, the same placeholders."""

from __future__ import annotations

import re

import pytest

from bot.answers import _messages
from bot.config import load_settings
from bot.notify.templates import EVENTS, EmailTemplates, _texts, keys_for

SETTINGS = load_settings(environ={})
SUPPORTED = SETTINGS.languages.supported
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def templates() -> EmailTemplates:
    """The shipped texts with the shipped brand."""
    return EmailTemplates(SETTINGS.languages, SETTINGS.brand)


def test_the_project_supports_twelve_languages_and_every_text_has_exactly_those():
    """emails.yaml has each of its texts in each supported language, and no others."""
    assert len(SUPPORTED) == 12
    for key, texts in _texts().items():
        assert set(texts) == set(SUPPORTED), key
        assert all(text.strip() for text in texts.values()), key


def test_translations_keep_the_ticket_facts_and_use_only_known_placeholders():
    """A translation that drops {ticket} or {due} would leave the user without them; an unknown name would show
    as "{name}". Brand names ({exchange_name}, ...) may move between sentences as each language needs."""
    known = {f"{{{name}}}" for name in [*SETTINGS.brand.placeholders(), "ticket", "due"]}
    for key, texts in _texts().items():
        facts = set(PLACEHOLDER.findall(texts["en"])) & {"{ticket}", "{due}"}
        for language, text in texts.items():
            used = set(PLACEHOLDER.findall(text))
            assert used & {"{ticket}", "{due}"} == facts and used <= known, (key, language, used)


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_event_renders_in_every_language_with_nothing_left_to_fill(templates, language):
    """In its own language (no fallback), with the ticket number, the due time for "opened" and the brand."""
    for event in EVENTS:
        text = templates.render(event, language, ticket="KS-000042", due="2026-11-24 14:00 UTC")
        assert text.language == language
        everything = [text.subject, *text.before, *text.after, text.notice]
        assert not [part for part in everything if PLACEHOLDER.search(part) or "{" in part or "}" in part]
        assert "KS-000042" in text.subject and "KS-000042" in text.before[1]
        assert ("2026-11-24 14:00 UTC" in text.before[1]) == (event == "opened")
        assert "Kestrel" in text.notice
        assert len(text.after) == (2 if event == "answered" else 1)


def test_a_language_without_texts_falls_back_along_the_chain():
    """Portuguese texts missing: the chain pt -> es -> en picks Spanish; an unknown language gets English."""
    texts = {key: {lang: value for lang, value in values.items() if lang != "pt"} for key, values in _texts().items()}
    partial = EmailTemplates(SETTINGS.languages, SETTINGS.brand, texts=texts)
    assert partial.render("closed", "pt", ticket="KS-1").language == "es"
    assert partial.render("closed", "it", ticket="KS-1").language == "en"
    assert partial.render("closed", None, ticket="KS-1").language == "en"


def test_unknown_event_is_refused(templates):
    """Only opened, answered and closed exist."""
    with pytest.raises(ValueError, match="unknown ticket event"):
        keys_for("claimed")
    with pytest.raises(ValueError):
        templates.render("claimed", "en", ticket="KS-1")


@pytest.mark.parametrize("key", ["ticket_answered", "ticket_closed"])
def test_transcript_notices_exist_in_every_language_with_the_ticket_number(key):
    """The chat's system messages for an answered or closed ticket name the ticket in all 12 languages."""
    texts = _messages()[key]
    assert set(texts) == set(SUPPORTED)
    assert all(set(PLACEHOLDER.findall(text)) == {"{ticket}"} for text in texts.values())
