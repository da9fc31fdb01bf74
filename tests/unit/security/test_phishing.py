import pytest

from bot.security.phishing import PhishingDetector, edit_distance, impostor_contact, skeleton, to_ascii
from tests.unit.security.ordinary import ORDINARY_MESSAGES

OFFICIAL = ["kestrel.example"]


@pytest.fixture(scope="module")
def detector():
    d = PhishingDetector(OFFICIAL)
    d.warm_up()
    return d


@pytest.mark.parametrize("text", [
    "I logged in at https://www.kestrel.example/login",
    "support.kestrel.example says my ticket is closed",
    "is https://status.kestrel.example down? also docs.kestrel.example/api",
    "KESTREL.EXAMPLE is your site right?",
    "how do I contact support?",
    "can I talk to a human agent please",
    "what is the official Telegram channel?",
    "my withdrawal is stuck for 3 hours, e.g. 100 USDT, version 1.2.3",
    "I emailed support@kestrel.example yesterday",
    "my own email is john.doe@gmail.com",
    "will support ever message me on WhatsApp?",
])
def test_official_and_ordinary_messages_pass(detector, text):
    report = detector.check(text)
    assert not report.suspected, report.reasons
    assert report.suspicious_links == [] and report.reasons == []


@pytest.mark.parametrize(("text", "reason"), [
    ("go to kestre1.example to verify", "lookalike:kestre1.example"),
    ("login at https://kеstrel.example/verify", "lookalike:kеstrel.example"),  # Cyrillic е
    ("visit kestrel-support.example now", "lookalike:kestrel-support.example"),
    ("https://kestrel.example.verify-login.com/account", "lookalike:kestrel.example.verify-login.com"),
    ("kestrl.com said my account is locked", "lookalike:kestrl.com"),
    ("www.kesterl.example/airdrop", "lookalike:www.kesterl.example"),
    ("kestreI.example (capital i)", "lookalike:kestrei.example"),
    ("k3strel.io bonus", "lookalike:k3strel.io"),
    ("the site was kestrelsupport.com", "lookalike:kestrelsupport.com"),
    ("ke5trel.app", "lookalike:ke5trel.app"),
    ("请访问kestre1.example登录", "lookalike:kestre1.example"),
    ("bit.ly/3xYz", "unofficial_domain:bit.ly"),
    ("join t.me/kestrel_help", "unofficial_domain:t.me"),
    ("http://203.0.113.7/login", "unofficial_domain:203.0.113.7"),
])
def test_suspicious_links(detector, text, reason):
    report = detector.check(text)
    assert report.suspected
    assert reason in report.reasons, report.reasons
    assert report.suspicious_links


def test_punycode_hosts_are_decoded(detector):
    host = to_ascii("kеstrel.example")  # Cyrillic е
    assert host is not None and host.startswith("xn--")
    report = detector.check(f"go to https://{host}/login")
    assert f"punycode:{host}" in report.reasons
    assert f"lookalike:{host}" in report.reasons


def test_rn_for_m_lookalike():
    report = PhishingDetector(["kestrelmarket.example"]).check("kestrelrnarket.example/login")
    assert "lookalike:kestrelrnarket.example" in report.reasons


def test_lookalike_email_sender(detector):
    report = detector.check("I got a mail from security@kestrel-help.com")
    assert "lookalike:kestrel-help.com" in report.reasons


def test_trusted_domains_are_not_unofficial():
    detector = PhishingDetector(OFFICIAL, trusted_domains=["etherscan.io"])
    assert not detector.check("see https://etherscan.io/tx/0xabc").suspected
    assert detector.check("see https://etherscan-io.kestrel.app").suspected


def test_helpers():
    assert skeleton("kеstre1") == "kestrel"
    assert skeleton("rnarket") == "market"
    assert edit_distance("kestrel", "kestrl") == 1
    assert edit_distance("kestrel", "ketsrel") == 1  # adjacent swap
    assert edit_distance("kestrel", "binance") == 3


@pytest.mark.parametrize(("text", "channel"), [
    ("Support messaged me on Telegram and asked for my 2FA code", "telegram"),
    ("someone asked me to verify my wallet", "unspecified"),
    ("they sent me a link to claim an airdrop", "unspecified"),
    ("an admin DM'd me on Discord", "discord"),
    ("a guy pretending to be Kestrel staff contacted me on WhatsApp", "whatsapp"),
    ("客服加我微信，让我验证钱包", "wechat"),
    ("有人冒充客服在Telegram上联系我", "telegram"),
    ("有人冒充客服", "unspecified"),
    ("サポートを名乗る人からDMが来ました", "unspecified"),
    ("テレグラムでサポートから連絡が来た", "telegram"),
    ("텔레그램으로 고객센터라고 연락이 왔어요", "telegram"),
    ("мне написали в телеграм от поддержки", "telegram"),
    ("me escribieron por WhatsApp diciendo que eran soporte", "whatsapp"),
    ("um atendente me mandou mensagem no WhatsApp pedindo minha senha", "whatsapp"),
    ("Telegram'da destek ekibi olduğunu söyleyen biri bana yazdı", "telegram"),
    ("quelqu'un se faisant passer pour le support m'a contacté sur Telegram", "telegram"),
    ("Ein angeblicher Mitarbeiter hat mich auf WhatsApp angeschrieben", "whatsapp"),
    ("شخص يدعي أنه من الدعم راسلني على تيليجرام", "telegram"),
])
def test_impostor_reports_in_many_languages(detector, text, channel):
    assert impostor_contact(text) == channel
    assert f"impostor_contact:{channel}" in detector.check(text).reasons


@pytest.mark.parametrize("text", [
    "how do I contact support?", "is there an official Telegram group?", "客服电话是多少", "如何联系客服",
    "サポートに連絡する方法は？", "고객센터에 어떻게 연락하나요?", "как связаться с поддержкой?",
    "¿cómo contacto con soporte?", "como falo com o suporte?", "destekle nasıl iletişime geçerim?",
    "comment contacter le support ?", "Wie erreiche ich den Support?", "كيف أتواصل مع الدعم؟",
])
def test_questions_about_contacting_support_are_not_impostor_reports(text):
    assert impostor_contact(text) is None


def test_ordinary_messages_are_not_phishing(detector):
    flagged = [m for m in ORDINARY_MESSAGES if detector.check(m).suspected]
    assert flagged == []
    assert not detector.check("see readme.md and install.sh").suspected
