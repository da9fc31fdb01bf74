"""Attachment rows on SQLite and PostgreSQL: the per-conversation limit, listing, lookups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import NotFoundError, PayloadTooLargeError
from bot.storage.attachments import AttachmentRecord, AttachmentStore
from bot.storage.conversations import ConversationStore
from tests.unit.storage import DATABASES, migrated_database

START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _record(session_id: str, number: int) -> AttachmentRecord:
    return AttachmentRecord(id=f"00000000-0000-0000-0000-{number:012d}", session_id=session_id, handoff_id=None,
                            kind="image", content_type="image/png", size=100 + number, sha256="0" * 64,
                            storage_key=f"ab/{number:032x}", filename=f"shot{number}.png",
                            created_at=START + timedelta(minutes=number), details={"removed": ["exif"]})


@pytest.mark.parametrize("kind", DATABASES)
def test_rows_limit_listing_and_lookup(kind, tmp_path):
    """Rows are listed oldest first as refs (no storage key or hash); the limit per session holds; unknown
    ids and sessions are NotFoundError."""
    with migrated_database(kind, tmp_path) as database:
        session, _ = ConversationStore(database).create_session()
        store = AttachmentStore(database)
        for number in (2, 1):
            store.add(_record(session.id, number), max_per_session=2)
        with pytest.raises(PayloadTooLargeError, match="already has 2 files"):
            store.add(_record(session.id, 3), max_per_session=2)
        assert store.count(session.id) == 2
        refs = store.refs(session.id)
        assert [ref["filename"] for ref in refs] == ["shot1.png", "shot2.png"]
        assert refs[0] == {"id": "00000000-0000-0000-0000-000000000001", "kind": "image", "content_type": "image/png",
                           "size": 101, "filename": "shot1.png", "created_at": "2026-11-24T10:01:00+00:00"}
        assert store.get(refs[0]["id"]).details == {"removed": ["exif"]}
        store.remove(refs[0]["id"])
        with pytest.raises(NotFoundError):
            store.get(refs[0]["id"])
        with pytest.raises(NotFoundError):
            store.add(_record("no-such-session", 4), max_per_session=2)
