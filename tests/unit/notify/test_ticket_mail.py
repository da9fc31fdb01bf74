"""One ticket e-mail as MIME: headers of an automatic notification, text and HTML parts, everything escaped."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from bot.config import load_settings
from bot.notify.addresses import mask_address, normalize_address
from bot.notify.templates import EmailTemplates
from bot.notify.ticket_mail import MailIdentity, compose, format_due
from tests.unit.notify.smtp import parts

SETTINGS = load_settings(environ={})
TEMPLATES = EmailTemplates(SETTINGS.languages, SETTINGS.brand)
SENDER = MailIdentity("soporte@kestrel.example", "Soporte Kestrel")
HOSTILE = ('Hola <script>alert("x")</script> & "bye" <img src=x onerror=alert(1)>\n'
           '</blockquote><a href="https://kestrel-support.example">verify</a>')


def _roundtrip(message):
    """The message as a mail client would read it after transport."""
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def test_headers_of_an_automatic_ticket_notification():
    """Subject, From with name, To, Date, Message-ID on the sender's domain, language and Auto-Submitted."""
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    text = TEMPLATES.render("opened", "es", ticket="KS-000042", due=format_due(now + timedelta(hours=12)))
    message = _roundtrip(compose(text, to="ana@example.com", sender=SENDER, now=now))
    assert message["Subject"] == "[Kestrel] Hemos recibido tu ticket KS-000042"
    assert message["From"].addresses[0].display_name == "Soporte Kestrel"
    assert message["From"].addresses[0].addr_spec == "soporte@kestrel.example"
    assert str(message["To"]) == "ana@example.com"
    assert parsedate_to_datetime(message["Date"]) == now
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@kestrel.example>")
    assert message["Content-Language"] == "es"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = parts(message)
    assert "KS-000042" in plain and "2026-11-24 14:00 UTC" in plain and "Saludos,\nSoporte de Kestrel" in plain
    assert '<html lang="es" dir="ltr">' in rich and "2026-11-24 14:00 UTC" in rich


def test_message_ids_are_unique():
    """Every e-mail gets its own Message-ID."""
    text = TEMPLATES.render("closed", "en", ticket="KS-1")
    ids = {compose(text, to="a@example.com", sender=SENDER)["Message-ID"] for _ in range(20)}
    assert len(ids) == 20


def test_a_hostile_agent_reply_is_escaped_in_html_and_quoted_in_text():
    """Markup in a reply is shown as text: no element of it survives in the HTML part."""
    text = TEMPLATES.render("answered", "en", ticket="KS-7")
    plain, rich = parts(_roundtrip(compose(text, to="a@example.com", sender=SENDER, replies=[HOSTILE])))
    assert "<script" not in rich and "<img" not in rich and "<a " not in rich and rich.count("</blockquote>") == 1
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;bye&quot;" in rich
    assert "&lt;/blockquote&gt;&lt;a href=&quot;https://kestrel-support.example&quot;&gt;" in rich
    assert '> Hola <script>alert("x")</script> & "bye"' in plain   # plain text shows it as typed
    assert "> </blockquote>" in plain


def test_several_replies_are_each_quoted():
    """A burst of replies: each in its own quote, in order, between the intro and the outro."""
    text = TEMPLATES.render("answered", "de", ticket="KS-7")
    plain, rich = parts(_roundtrip(compose(text, to="a@example.com", sender=SENDER, replies=["Erstens", "Zweitens"])))
    assert plain.index("geantwortet:") < plain.index("> Erstens") < plain.index("> Zweitens") < plain.index("Chat")
    assert rich.count("<blockquote") == 2


def test_arabic_is_right_to_left_and_non_ascii_names_are_encoded():
    """The HTML part says dir="rtl"; a non-ASCII sender name survives transport."""
    text = TEMPLATES.render("closed", "ar", ticket="KS-9")
    sender = MailIdentity("support@kestrel.example", "دعم Kestrel")
    raw = compose(text, to="a@example.com", sender=sender).as_bytes()
    assert raw.isascii()   # headers encoded, bodies quoted-printable: safe through any 7-bit relay
    message = _roundtrip(compose(text, to="a@example.com", sender=sender))
    assert message["From"].addresses[0].display_name == "دعم Kestrel"
    assert message["Subject"] == "[Kestrel] تم إغلاق تذكرتك KS-9"
    assert 'dir="rtl"' in parts(message)[1]


def test_header_injection_is_refused():
    """A line break in a header value (say, a crafted ticket number) cannot add headers."""
    text = TEMPLATES.render("closed", "en", ticket="KS-1\r\nBcc: victim@example.com")
    with pytest.raises(ValueError):
        compose(text, to="a@example.com", sender=SENDER)


@pytest.mark.parametrize(("raw", "stored"), [("Ana@Example.COM", "Ana@example.com"),
                                             (" ana@bücher.de ", "ana@xn--bcher-kva.de")])
def test_addresses_are_normalized_to_ascii(raw, stored):
    """Domains are lower-cased and, when internationalized, stored in their ASCII form."""
    assert normalize_address(raw) == stored


@pytest.mark.parametrize("raw", ["nope", "a@b", "用户@例子.广告", "a\r\nBcc: b@example.com",
                                 "a" * 250 + "@example.com"])
def test_bad_addresses_say_what_is_wrong(raw):
    """Not an address, no dot in the domain, non-ASCII before the @, line breaks, too long."""
    with pytest.raises(ValueError, match="e-mail address"):
        normalize_address(raw)


def test_mask_hides_all_but_the_first_character():
    """The hint shown in logs and responses."""
    assert mask_address("ana.maria@example.com") == "a***@example.com"
    assert mask_address(None) is None
    assert mask_address("broken") == "***"


@pytest.mark.parametrize(("offset", "shown"), [(None, "2026-11-24 14:00 UTC"), (0, "2026-11-24 14:00 UTC"),
                                               (480, "2026-11-24 22:00 UTC+08:00"),
                                               (-330, "2026-11-24 08:30 UTC-05:30")])
def test_the_due_time_is_shown_in_the_users_zone_when_known(offset, shown):
    assert format_due(datetime(2026, 11, 24, 14, 0, tzinfo=UTC), offset) == shown
