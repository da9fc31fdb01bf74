"""Read stored conversations for the report: one streamed query, session by session, memory-light.

Messages come ordered by (session_id, id), which the `ix_messages_session_id_id` index serves, each with its
feedback (outer join on the unique `feedback.message_id`). PostgreSQL streams them through a server-side cursor
(`stream_results`); SQLite's cursor is lazy anyway. Only one session's messages are held at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.errors import BotError, InputError
from bot.storage.db import Database
from bot.storage.models import Feedback, Handoff, Message

BATCH = 2000


def parse_since(text: str | None) -> datetime | None:
    """`YYYY-MM-DD` as midnight UTC; None stays None."""
    if text is None or not str(text).strip():
        return None
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"since must be a date like 2026-01-31, got {text!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _columns() -> tuple[Any, ...]:
    return (Message.session_id, Message.id, Message.role, Message.text, Message.created_at, Message.action,
            Message.faq_id, Message.language, Message.details, Feedback.helpful, Feedback.comment)


def iter_sessions(database: Database, since: datetime | None = None) -> Iterator[list[Any]]:
    """Each session's messages from `since` on (rows with the columns of `_columns()`), in order."""
    query = select(*_columns()).outerjoin(Feedback, Feedback.message_id == Message.id)
    if since is not None:
        query = query.where(Message.created_at >= since)
    query = query.order_by(Message.session_id, Message.id)
    try:
        with database.engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
            current: list[Any] = []
            for row in result:
                if current and row.session_id != current[0].session_id:
                    yield current
                    current = []
                current.append(row)
            if current:
                yield current
    except (OperationalError, ProgrammingError) as exc:
        raise BotError(f"cannot read the conversations database ({type(exc.orig).__name__}): has the service "
                       "run its migrations? `python -m bot serve` creates the tables") from None


def handoff_reasons(database: Database, since: datetime | None = None) -> dict[str, str]:
    """Handoff id -> reason (security, user_request, low_confidence, ...) for handoffs opened from `since`."""
    query = select(Handoff.id, Handoff.reason)
    if since is not None:
        query = query.where(Handoff.created_at >= since)
    try:
        with database.engine.connect() as connection:
            return {row.id: row.reason for row in connection.execute(query)}
    except (OperationalError, ProgrammingError) as exc:
        raise BotError(f"cannot read the handoffs table ({type(exc.orig).__name__}): has the service run its "
                       "migrations?") from None
