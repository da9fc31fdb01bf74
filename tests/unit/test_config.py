from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


def test_default_config_loads_and_resolves_paths():
    settings = load_settings(environ={})
    assert settings.encoder.backend == "use-m3"
    assert settings.resolve(settings.index.dir).is_absolute()
    assert "en" in settings.languages.supported


def test_environment_overrides_database_and_index():
    settings = load_settings(environ={"DATABASE_URL": "postgresql://127.0.0.1/test", "INDEX_DIR": "/tmp/x"})
    assert settings.storage.database_url == "postgresql://127.0.0.1/test"
    assert settings.index.dir == Path("/tmp/x")


def test_generic_override_keeps_types():
    settings = load_settings(environ={"BOT__RETRIEVAL__TOP_K": "3", "BOT__LANGUAGES__DEFAULT": "es"})
    assert settings.retrieval.top_k == 3
    assert settings.languages.default == "es"


def test_invalid_values_are_reported_with_their_key():
    with pytest.raises(ConfigError) as error:
        load_settings(environ={"BOT__RETRIEVAL__ANSWER_THRESHOLD": "3", "DATABASE_URL": "mysql://x"})
    text = str(error.value)
    assert "retrieval.answer_threshold" in text and "less than or equal to 1" in text
    assert "storage.database_url" in text and "mysql" in text


def test_unknown_key_and_bad_default_language(tmp_path):
    with pytest.raises(ConfigError, match=r"retrieval\.top_kk"):
        load_settings(environ={"BOT__RETRIEVAL__TOP_KK": "3"})
    with pytest.raises(ConfigError, match="default language 'xx'"):
        load_settings(environ={"BOT__LANGUAGES__DEFAULT": "xx"})


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.yaml", environ={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("brand: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(bad, environ={})


def test_fallback_chain_ends_with_default():
    languages = load_settings(environ={}).languages
    assert languages.chain_for("zh-TW") == ["zh-TW", "zh-CN", "en"]
    assert languages.chain_for("ko")[-1] == "en"
