"""Ticket e-mails: templates, MIME messages, SMTP delivery and the notifier, against a real local SMTP server."""
