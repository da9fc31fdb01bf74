"""SmtpSender against a real local SMTP server; which failures are worth retrying; unsafe settings refused."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import EmailSettings, load_settings
from bot.errors import ConfigError
from bot.notify.mailer import MailSetupError, SmtpSender, describe, is_permanent
from bot.notify.templates import EmailTemplates
from bot.notify.ticket_mail import MailIdentity, compose
from tests.unit.notify.smtp import free_port, parts, smtp_server

SETTINGS = load_settings(environ={})
TEMPLATES = EmailTemplates(SETTINGS.languages, SETTINGS.brand)


def _message(to: str = "ana@example.com"):
    text = TEMPLATES.render("closed", "fr", ticket="KS-000003")
    return compose(text, to=to, sender=MailIdentity("support@kestrel.example", "Kestrel Support"))


def _settings(port: int, **values: Any) -> EmailSettings:
    fields = {"enabled": True, "host": "127.0.0.1", "port": port, "security": "none",
              "from_address": "support@kestrel.example", "timeout_seconds": 5} | values
    return EmailSettings.model_validate(fields)


def test_delivers_to_a_real_server(inbox):
    """The envelope goes from the sender to the To address; the server receives both parts intact."""
    SmtpSender(_settings(inbox.port)).send(_message())
    [received] = inbox.wait_for(1)
    assert received.mail_from == "support@kestrel.example" and received.rcpt_tos == ["ana@example.com"]
    assert received.message["Subject"] == "[Kestrel] Ticket KS-000003 clôturé"
    assert "Votre ticket KS-000003 a été clôturé." in parts(received.message)[0]


def test_logs_in_with_the_password_from_the_named_environment_variable():
    """username + password_env: the password is read from the environment at send time, never from config."""
    with smtp_server(credentials=("desk", "s3cret")) as server:
        settings = _settings(server.port, username="desk", password_env="SMTP_PASSWORD")
        SmtpSender(settings, environ={"SMTP_PASSWORD": "s3cret"}).send(_message())
        assert len(server.wait_for(1)) == 1 and server.logins and server.logins[0][0] == "desk"
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            SmtpSender(settings, environ={"SMTP_PASSWORD": "wrong"}).send(_message())
        assert is_permanent(refused.value) and describe(refused.value) == "SMTPAuthenticationError 535"


def test_a_missing_password_fails_without_connecting(inbox):
    """The variable is unset: a setup error naming the variable, not worth retrying, nothing sent."""
    sender = SmtpSender(_settings(inbox.port, username="desk", password_env="SMTP_PASSWORD"), environ={})
    assert sender.missing_password() == "SMTP_PASSWORD"
    with pytest.raises(MailSetupError) as missing:
        sender.send(_message())
    assert is_permanent(missing.value) and "SMTP_PASSWORD" in describe(missing.value)
    assert inbox.settled(0.2) == []


def test_starttls_never_falls_back_to_plain_text(inbox):
    """The server offers no STARTTLS: the send fails (permanently) instead of going out unencrypted."""
    with pytest.raises(smtplib.SMTPNotSupportedError) as refused:
        SmtpSender(_settings(inbox.port, security="starttls")).send(_message())
    assert is_permanent(refused.value)
    assert inbox.settled(0.2) == []


def test_a_server_that_is_down_is_a_temporary_failure():
    """Connection refused: worth another attempt later."""
    with pytest.raises(OSError) as down:
        SmtpSender(_settings(free_port())).send(_message())
    assert not is_permanent(down.value) and describe(down.value) == "ConnectionRefusedError"


def test_smtp_answers_decide_whether_to_retry():
    """4xx: try again; 5xx: give up; a refused recipient repeats no address in the description."""
    assert not is_permanent(smtplib.SMTPDataError(451, b"try later"))
    assert is_permanent(smtplib.SMTPDataError(554, b"rejected"))
    refused = smtplib.SMTPRecipientsRefused({"ana@example.com": (550, b"no such user ana@example.com")})
    assert is_permanent(refused) and "ana" not in describe(refused) and "550" in describe(refused)
    assert not is_permanent(smtplib.SMTPRecipientsRefused({"ana@example.com": (452, b"mailbox full")}))


@pytest.mark.parametrize(("environ", "message"), [
    ({"BOT__EMAIL__ENABLED": "true"}, "enabled needs from_address"),
    ({"BOT__EMAIL__FROM_ADDRESS": "support at kestrel"}, "from_address 'support at kestrel' is not an e-mail"),
    ({"BOT__EMAIL__PASSWORD": "hunter2"}, "do not put the SMTP password in the config"),
    ({"BOT__EMAIL__USERNAME": "desk"}, "username needs password_env"),
    ({"BOT__EMAIL__PASSWORD_ENV": "SMTP_PASSWORD"}, "password_env is set but username is not"),
    ({"BOT__EMAIL__USERNAME": "desk", "BOT__EMAIL__PASSWORD_ENV": "P", "BOT__EMAIL__SECURITY": "none",
      "BOT__EMAIL__HOST": "smtp.kestrel.example"}, "unencrypted to smtp.kestrel.example"),
    ({"BOT__EMAIL__SECURITY": "tls"}, "email.security"),
])
def test_unsafe_or_broken_email_settings_are_refused(environ, message):
    """Each problem is reported under the email section with what to fix; a password value is never echoed."""
    with pytest.raises(ConfigError) as error:
        load_settings(environ=environ)
    assert message in str(error.value) and "hunter2" not in str(error.value)


def test_a_sender_name_cannot_carry_a_line_break():
    """A line break in from_name would let the config add headers to every e-mail."""
    with pytest.raises(ValidationError, match="from_name must be a single line"):
        EmailSettings(from_name="Kestrel\r\nBcc: x@example.com")


def test_the_shipped_config_sends_nothing():
    """Off by default: the offline default never tries to send mail."""
    assert load_settings(environ={}).email.enabled is False
