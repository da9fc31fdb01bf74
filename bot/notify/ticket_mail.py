"""One ticket e-mail as a MIME message: localized text part, escaped HTML part, and the headers mail
systems expect from an automatic notification."""

from __future__ import annotations

import email.policy
import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from bot.notify.templates import MailText

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})


@dataclass(frozen=True)
class MailIdentity:
    """Who ticket e-mails come from."""

    address: str
    name: str

    @property
    def domain(self) -> str:
        """The sender's domain, which also names the Message-IDs."""
        return self.address.rpartition("@")[2]


def format_due(due_at: datetime | None, utc_offset_minutes: int | None = None) -> str:
    """The promised reply time as the e-mails show it: in the user's zone when the chat client told us it
    ("2026-11-24 22:00 UTC+08:00"), else in UTC ("2026-11-24 14:00 UTC")."""
    if due_at is None:
        return ""
    if not utc_offset_minutes:
        return due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    local = due_at.astimezone(timezone(timedelta(minutes=utc_offset_minutes)))
    sign, minutes = ("+" if utc_offset_minutes > 0 else "-"), abs(utc_offset_minutes)
    return local.strftime("%Y-%m-%d %H:%M") + f" UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def plain_body(text: MailText, replies: list[str]) -> str:
    """The text/plain part: paragraphs, the agent's replies quoted with "> ", the signature and the notice."""
    quoted = ["\n".join(f"> {line}" if line else ">" for line in reply.splitlines()) for reply in replies]
    return "\n\n".join([*text.before, *quoted, *text.after]) + f"\n\n-- \n{text.notice}\n"


def _paragraph(value: str, tag: str = "p", style: str = "") -> str:
    """`value` escaped, its lines joined by <br> alone: a line break beside the <br> would be a second one
    inside the `white-space:pre-wrap` blockquote of a reply."""
    attribute = f' style="{style}"' if style else ""
    return f"<{tag}{attribute}>" + "<br>".join(html.escape(line) for line in value.splitlines()) + f"</{tag}>"


def html_body(text: MailText, replies: list[str]) -> str:
    """The text/html part: the same content, every text escaped, no links, images or scripts of its own."""
    direction = "rtl" if text.language.split("-")[0] in RTL_LANGUAGES else "ltr"
    quote_style = "margin:1em 0;padding:0.5em 1em;border-inline-start:3px solid #999;white-space:pre-wrap"
    parts = [_paragraph(p) for p in text.before]
    parts += [_paragraph(reply, "blockquote", quote_style) for reply in replies]
    parts += [_paragraph(p) for p in text.after]
    parts += ["<hr>", _paragraph(text.notice, "p", "font-size:small;color:#555")]
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(text.language)}" dir="{direction}">\n<head>'
            f'<meta charset="utf-8"><title>{html.escape(text.subject)}</title></head>\n'
            f'<body style="font-family:sans-serif;line-height:1.5">\n' + "\n".join(parts) + "\n</body>\n</html>\n")


def compose(text: MailText, *, to: str, sender: MailIdentity, replies: list[str] | None = None,
            now: datetime | None = None) -> EmailMessage:
    """The complete message to `to` (an ASCII address, as `normalize_address` returns). Header values cannot
    carry line breaks: the policy refuses them."""
    replies = replies or []
    message = EmailMessage(policy=email.policy.SMTP)
    message.set_content(plain_body(text, replies), subtype="plain", charset="utf-8")
    message.add_alternative(html_body(text, replies), subtype="html", charset="utf-8")
    # Headers after the body: set_content drops Content-* headers set before it.
    message["Subject"] = text.subject
    message["From"] = Address(display_name=sender.name, addr_spec=sender.address)
    message["To"] = Address(addr_spec=to)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring="ticket", domain=sender.domain)
    message["Content-Language"] = text.language
    # RFC 3834: an automatic message, so vacation responders and auto-replies stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    return message
