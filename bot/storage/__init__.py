"""Persistence: conversations, messages, feedback, handoffs and API tokens (SQLite or PostgreSQL)."""
