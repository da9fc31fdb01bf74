from bot.kb.lint import asks_for_secret, lint_knowledge_base, unofficial_links
from bot.kb.loader import load_knowledge_base
from bot.kb.model import FaqEntry, KnowledgeBase, Translation
from tests.conftest import FIXTURE_KB

BRAND = {"exchange_name": "Kestrel", "verify_page": "https://www.kestrel.example/verify"}


def kb_with(answer, lang="en"):
    entry = FaqEntry("a.b", "a", {lang: Translation("Q", answer, ("x",))}, source="a.yaml")
    return KnowledgeBase({"a.b": entry})


def test_requests_for_secrets_are_caught_in_several_languages():
    assert asks_for_secret("To verify, please send us your seed phrase.", "en")
    assert asks_for_secret("请提供您的谷歌验证码。", "zh-CN")
    assert asks_for_secret("Envíanos tu contraseña para continuar.", "es")
    assert asks_for_secret("Bitte senden Sie uns Ihr Passwort.", "de")
    assert asks_for_secret("Отправьте нам ваш пароль.", "ru")


def test_warnings_about_secrets_are_not_requests():
    assert asks_for_secret("Support will never ask you to send your seed phrase.", "en") is None
    assert asks_for_secret("请勿向任何人提供您的助记词。", "zh-CN") is None
    assert asks_for_secret("Nunca compartas tu contraseña.", "es") is None


def test_links_must_be_official():
    assert unofficial_links("See https://www.kestrel.example/x and support.kestrel.example", ["kestrel.example"]) == []
    assert unofficial_links("Go to https://kestrel-support.com now", ["kestrel.example"]) == [
        "https://kestrel-support.com"]


def test_lint_reports_entry_language_and_problem():
    problems = lint_knowledge_base(kb_with("Visit {unknown} or http://evil.example.com and send us your password."),
                                   BRAND, ["kestrel.example"])
    text = "\n".join(problems)
    assert "a.yaml: a.b [en]: unknown placeholder(s) ['unknown']" in text
    assert "asks the user for a secret" in text
    assert "non-official domain: http://evil.example.com" in text


def test_fixture_kb_is_clean():
    kb = load_knowledge_base(FIXTURE_KB)
    assert lint_knowledge_base(kb, BRAND, ["kestrel.example"]) == []
