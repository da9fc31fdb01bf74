import pytest

from bot.security import load_locales, pick_language
from bot.security.phishing import phishing_text
from bot.security.secrets import KINDS, warning_text

LANGUAGES = ["en", "zh-CN", "zh-TW", "ja", "ko", "ru", "es", "pt", "tr", "fr", "de", "ar"]
VERIFY = "https://www.kestrel.example/official-verify"


def test_every_text_exists_in_every_language():
    texts = load_locales()
    warning = texts["secret_warning"]
    for table in [warning["intro"], warning["separator"], texts["phishing"], *warning["names"].values(),
                  *warning["actions"].values()]:
        assert set(table) == set(LANGUAGES)
        assert all(isinstance(value, str) and value for value in table.values())
    assert set(warning["names"]) == set(KINDS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_warning_for_every_kind_in_every_language(language):
    for kind in KINDS:
        text = warning_text([kind], language, "Kestrel")
        assert "Kestrel" in text and "{" not in text
        assert len(text.splitlines()) == 2
    everything = warning_text(list(KINDS), language, "Kestrel")
    assert len(everything.splitlines()) == 7  # intro + 6 pieces of advice (the critical kinds share one)


@pytest.mark.parametrize(("kinds", "phrases"), [
    (["seed_phrase"], ["seed phrase", "new wallet with a new seed phrase immediately", "never ask"]),
    (["private_key", "keystore"], ["private key", "keystore", "new wallet"]),
    (["password"], ["Change your password now"]),
    (["otp_code"], ["Never share", "change your password and reset your 2FA"]),
    (["api_secret"], ["Delete this API key", "create a new one"]),
    (["card_number"], ["Contact your bank"]),
])
def test_english_advice(kinds, phrases):
    text = warning_text(kinds, "en", "Kestrel")
    for phrase in phrases:
        assert phrase in text


def test_chinese_warning_mentions_new_wallet():
    assert "新钱包" in warning_text(["seed_phrase"], "zh-CN", "Kestrel")
    assert "新錢包" in warning_text(["seed_phrase"], "zh-Hant", "Kestrel")


def test_unknown_languages_and_kinds():
    assert warning_text(["seed_phrase"], "xx", "Kestrel") == warning_text(["seed_phrase"], "en", "Kestrel")
    assert warning_text([], "en", "Kestrel") == ""
    assert warning_text(["nonsense"], "en", "Kestrel") == ""
    assert pick_language("pt-BR", {"pt": 1, "en": 1}) == "pt"
    assert pick_language("zh-HK", {"zh-TW": 1, "zh-CN": 1, "en": 1}) == "zh-TW"
    assert pick_language("zh", {"zh-TW": 1, "zh-CN": 1, "en": 1}) == "zh-CN"


@pytest.mark.parametrize("language", LANGUAGES)
def test_phishing_text(language):
    text = phishing_text(language, "Kestrel", VERIFY)
    assert VERIFY in text and "Kestrel" in text
    assert any(name in text for name in ("Telegram", "텔레그램", "تيليجرام"))
    assert "{" not in text


def test_phishing_text_in_english_says_what_to_do():
    text = phishing_text("en", "Kestrel", VERIFY)
    for phrase in ["Do not click the link", "official channels", "never messages you first", VERIFY]:
        assert phrase in text
