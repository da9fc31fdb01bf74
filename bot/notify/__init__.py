"""Notifications to users outside the chat: ticket updates by e-mail (opened, answered, closed)."""
