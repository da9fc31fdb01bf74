"""The shape of the ids this service makes (UUIDs, 36 characters). A string of another shape names nothing, so
it is unknown without a query: PostgreSQL would refuse a NUL character with an error instead of "not found"."""

from __future__ import annotations

from bot.errors import NotFoundError

MAX_ID_CHARS = 36   # the width of the id columns


def require_id_shape(kind: str, value: str) -> None:
    """Raise NotFoundError ("<kind> '...' does not exist", the id cut short) for an id the service never makes."""
    if not value or len(value) > MAX_ID_CHARS or not value.isprintable():
        raise NotFoundError(f"{kind} {value[:MAX_ID_CHARS]!r} does not exist")
