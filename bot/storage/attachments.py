"""Attachment rows: one per file a user sent; the bytes themselves are in the attachment storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.errors import NotFoundError, PayloadTooLargeError
from bot.storage.db import Database
from bot.storage.models import Attachment, ChatSession, as_utc


@dataclass(frozen=True)
class AttachmentRecord:
    """A snapshot of one attachment row."""

    id: str
    session_id: str
    handoff_id: str | None
    kind: str
    content_type: str
    size: int
    sha256: str
    storage_key: str
    filename: str
    created_at: datetime
    details: dict[str, Any] = field(default_factory=dict)

    def ref(self) -> dict[str, Any]:
        """What the user, the agent console and the handoff packet see: never the storage key or hash."""
        return {"id": self.id, "kind": self.kind, "content_type": self.content_type, "size": self.size,
                "filename": self.filename, "created_at": self.created_at.isoformat()}


def _record(row: Attachment) -> AttachmentRecord:
    return AttachmentRecord(id=row.id, session_id=row.session_id, handoff_id=row.handoff_id, kind=row.kind,
                            content_type=row.content_type, size=row.size, sha256=row.sha256,
                            storage_key=row.storage_key, filename=row.filename, created_at=as_utc(row.created_at),
                            details=row.details or {})


class AttachmentStore:
    """Adds, finds, lists and removes attachment rows."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def add(self, record: AttachmentRecord, *, max_per_session: int) -> AttachmentRecord:
        """Insert the row unless the session already has `max_per_session` attachments (PayloadTooLargeError).

        The session row is written first, which locks it on PostgreSQL and takes the database's write lock on
        SQLite (where SELECT ... FOR UPDATE locks nothing), so two uploads at once cannot both take the last
        place."""
        with self.db.session() as session:
            if not _lock_session(session, record.session_id):
                raise NotFoundError(f"session {record.session_id!r} does not exist")
            count = session.scalar(select(func.count(Attachment.id))
                                   .where(Attachment.session_id == record.session_id)) or 0
            if count >= max_per_session:
                raise PayloadTooLargeError(too_many(max_per_session))
            row = Attachment(id=record.id, session_id=record.session_id, handoff_id=record.handoff_id,
                             kind=record.kind, content_type=record.content_type, size=record.size,
                             sha256=record.sha256, storage_key=record.storage_key, filename=record.filename,
                             created_at=record.created_at, details=record.details or None)
            session.add(row)
            session.flush()
            return _record(row)

    def count(self, session_id: str) -> int:
        """How many attachments the session has."""
        with self.db.session() as session:
            return int(session.scalar(select(func.count(Attachment.id))
                                      .where(Attachment.session_id == session_id)) or 0)

    def get(self, attachment_id: str) -> AttachmentRecord:
        """One attachment (NotFoundError when unknown)."""
        with self.db.session() as session:
            row = session.get(Attachment, attachment_id)
            if row is None:
                raise NotFoundError(f"attachment {attachment_id!r} does not exist")
            return _record(row)

    def for_session(self, session_id: str) -> list[AttachmentRecord]:
        """The session's attachments, oldest first."""
        with self.db.session() as session:
            rows = session.scalars(select(Attachment).where(Attachment.session_id == session_id)
                                   .order_by(Attachment.created_at, Attachment.id))
            return [_record(row) for row in rows]

    def refs(self, session_id: str) -> list[dict[str, Any]]:
        """The session's attachments as the handoff packet and the agent console show them (see `ref`)."""
        return [record.ref() for record in self.for_session(session_id)]

    def remove(self, attachment_id: str) -> None:
        """Delete the row (the caller deletes the bytes)."""
        with self.db.session() as session:
            session.execute(delete(Attachment).where(Attachment.id == attachment_id))


def _lock_session(session: Session, session_id: str) -> bool:
    """Write the session row without changing it, holding its lock until the transaction ends; False when the
    session does not exist."""
    result: Any = session.execute(update(ChatSession).where(ChatSession.id == session_id)
                                  .values(updated_at=ChatSession.updated_at)
                                  .execution_options(synchronize_session=False))
    return bool(result.rowcount)


def too_many(max_per_session: int) -> str:
    """The message when a conversation has no room for another file."""
    return (f"this conversation already has {max_per_session} files, the limit per conversation: describe "
            "anything else in a message")
