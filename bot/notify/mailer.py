"""Handing a finished e-mail to an SMTP server: plain, STARTTLS or implicit TLS, with a login when configured."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Protocol

from bot.config import EmailSettings


class MailSetupError(Exception):
    """Sending cannot work until the operator fixes something (e.g. the SMTP password is not set)."""


class EmailSender(Protocol):
    """Anything that delivers one message or raises; blocking, so callers run it off the event loop."""

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` to the recipients in its headers."""


class SmtpSender:
    """Delivers through the SMTP server of `EmailSettings`; the password comes from the environment variable
    named in `password_env`, read at each send so a rotated secret needs no restart."""

    def __init__(self, settings: EmailSettings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._environ = environ if environ is not None else os.environ

    def missing_password(self) -> str | None:
        """The name of the password variable when a login is configured but the variable is empty or unset."""
        name = self.settings.password_env
        if self.settings.username and name and not self._environ.get(name):
            return name
        return None

    def send(self, message: EmailMessage) -> None:
        """Connect, secure the connection as configured (never falling back to plain text), log in, send."""
        missing = self.missing_password()
        if missing:
            raise MailSetupError(f"the SMTP password variable {missing} is not set")
        settings = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds,
                                      context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)   # raises when the server does not offer it
            if settings.username:
                client.login(settings.username, self._environ[settings.password_env or ""])
            client.send_message(message)


def is_permanent(error: BaseException) -> bool:
    """True when trying again cannot help: 5xx answers, a refused login, a missing secret or TLS support."""
    if isinstance(error, MailSetupError | smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def describe(error: BaseException) -> str:
    """A short description for the logs that never repeats the server's text (it may quote the address)."""
    if isinstance(error, MailSetupError):
        return f"{type(error).__name__}: {error}"
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next(iter(error.recipients.values()), (None, b""))[0]
    return f"{type(error).__name__}" + (f" {code}" if code else "")
