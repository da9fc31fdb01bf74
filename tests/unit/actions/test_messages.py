"""The actions' own sentences exist in every supported language, with the same placeholders everywhere."""

import re

from bot.actions.messages import action_messages
from bot.config import load_settings

KEYS = {"empty_text", "forwarded", "handoff_open", "status_none", "status_queued", "status_claimed",
        "status_resolved"}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def test_every_key_in_every_supported_language():
    supported = set(load_settings().languages.supported)
    messages = action_messages()
    assert set(messages) == KEYS
    for key, texts in messages.items():
        assert set(texts) == supported, key
        assert all(isinstance(text, str) and text.strip() for text in texts.values()), key


def test_placeholders_are_the_same_in_every_language():
    for key, texts in action_messages().items():
        expected = {"ahead"} if key == "status_queued" else set()
        for language, text in texts.items():
            assert set(PLACEHOLDER.findall(text)) == expected, (key, language)


def test_translations_are_not_english_copies():
    for key, texts in action_messages().items():
        for language, text in texts.items():
            if language != "en":
                assert text != texts["en"], (key, language)
