import pytest

from bot.chinese import chinese_variant
from bot.language import LanguageDetector

SUPPORTED = ["en", "zh-CN", "zh-TW", "ja", "ko", "ru", "es", "pt", "tr", "fr", "de", "ar"]


@pytest.fixture(scope="module")
def detector():
    d = LanguageDetector(SUPPORTED, "en")
    d.warm_up()
    return d


@pytest.mark.parametrize(("text", "expected"), [
    ("提币没到账怎么办", "zh-CN"), ("提幣沒到帳怎麼辦", "zh-TW"), ("出金できません", "ja"),
    ("출금이 안돼요", "ko"), ("вывод не пришел", "ru"), ("لم يصل السحب", "ar"),
    ("my withdrawal is stuck", "en"), ("cómo puedo retirar mis fondos", "es"), ("meu saque não chegou", "pt"),
    ("para çekme işlemi gelmedi", "tr"), ("je n'ai pas reçu mon dépôt", "fr"),
    ("Wie kann ich Geld auszahlen", "de"),
])
def test_short_messages(detector, text, expected):
    assert detector.detect(text) == expected


def test_no_letters_falls_back_to_hint_then_default(detector):
    assert detector.detect("12345 !!!") == "en"
    assert detector.detect("12345 !!!", hint="fr") == "fr"


def test_deterministic(detector):
    text = "verificacion tarda mucho tiempo"
    assert len({detector.detect(text) for _ in range(20)}) == 1


def test_han_without_distinguishing_characters_uses_hint():
    assert chinese_variant("你好") == "zh-CN"
    assert chinese_variant("你好", default="zh-TW") == "zh-TW"
