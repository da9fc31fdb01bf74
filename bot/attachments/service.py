"""Attachments of a conversation: accept a file (limits, cleaning, storage, row, transcript line) and hand it
back to the session's user or to an agent working that session's handoff."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.attachments.cleaning import clean
from bot.attachments.names import display_name
from bot.attachments.storage import AttachmentStorage, new_key
from bot.attachments.units import human_size
from bot.config import AttachmentSettings
from bot.errors import InputError, NotFoundError, PayloadTooLargeError
from bot.security.secrets import SecretScanner, warning_text
from bot.storage.attachments import AttachmentRecord, AttachmentStore, too_many
from bot.storage.conversations import ConversationStore, MessageRecord
from bot.storage.handoffs import HandoffStore
from bot.storage.ids import MAX_ID_CHARS
from bot.storage.models import utcnow

TRANSCRIPT_PREFIX = "[attachment]"
_ATTACHMENT_ID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")   # uuid4()


@dataclass
class Accepted:
    """A stored attachment, its transcript message, and what the user should be told about it."""

    record: AttachmentRecord
    message: MessageRecord
    removed: list[str] = field(default_factory=list)
    warning: str = ""
    handoff_open: bool = False
    secrets: list[str] = field(default_factory=list)   # kinds of secret removed from the file

    def public(self) -> dict[str, Any]:
        """The upload's response body."""
        return self.record.ref() | {"removed": self.removed, "message_id": self.message.id,
                                    "message": self.message.public(), "warning": self.warning or None}


def transcript_text(record: AttachmentRecord, secrets: list[str]) -> str:
    """The transcript line of an attachment, e.g. "[attachment] shot.png (image, 182.4 KB)", saying which
    kinds of secret were removed from it (never the secrets)."""
    text = f"{TRANSCRIPT_PREFIX} {record.filename} ({record.kind}, {human_size(record.size)})"
    if secrets:
        text += "; removed before storing: " + ", ".join(kind.replace("_", " ") for kind in secrets)
    return text


class AttachmentService:
    """Accepts, lists and serves attachments; all methods are synchronous (run them in a worker thread)."""

    def __init__(self, settings: AttachmentSettings, storage: AttachmentStorage, store: AttachmentStore,
                 conversations: ConversationStore, handoffs: HandoffStore, scanner: Callable[[], SecretScanner],
                 *, exchange_name: str, default_language: str) -> None:
        self.settings = settings
        self.storage = storage
        self.store = store
        self.conversations = conversations
        self.handoffs = handoffs
        self.scanner = scanner   # the current assistant's, so every reload's wordlists are shared, not copied
        self.exchange_name = exchange_name
        self.default_language = default_language

    def accept(self, session_id: str, data: bytes, filename: str | None) -> Accepted:
        """Check and clean one uploaded file, store it and note it in the transcript."""
        limits = self.settings
        if not data:
            raise InputError("the file is empty (0 bytes): choose the file again")
        if len(data) > limits.max_bytes:
            raise PayloadTooLargeError(f"the file is {human_size(len(data))}; files may be up to "
                                       f"{human_size(limits.max_bytes)}: crop the screenshot or send only the "
                                       "relevant part of the log")
        if self.store.count(session_id) >= limits.max_per_session:   # before the work; `add` checks again
            raise PayloadTooLargeError(too_many(limits.max_per_session))
        scanner = self.scanner()
        cleaned = clean(data, limits, scanner)
        name = display_name(scanner.scan(filename).redacted if filename else None, cleaned.file_type)
        session = self.conversations.get(session_id)
        handoff = self.handoffs.latest_for_session(session_id)
        open_handoff = handoff.id if handoff is not None and handoff.status != "resolved" else None
        key = new_key()
        details = {"removed": cleaned.removed, "secrets": cleaned.secrets, "uploaded_bytes": len(data),
                   **cleaned.facts}
        record = AttachmentRecord(id=str(uuid.uuid4()), session_id=session_id, handoff_id=open_handoff,
                                  kind=cleaned.file_type.kind, content_type=cleaned.file_type.content_type,
                                  size=len(cleaned.data), sha256=hashlib.sha256(cleaned.data).hexdigest(),
                                  storage_key=key, filename=name, created_at=utcnow(), details=details)
        self.storage.put(key, cleaned.data)
        try:
            record = self.store.add(record, max_per_session=limits.max_per_session)
            try:
                message = self.conversations.add_message(session_id, "user",
                                                         transcript_text(record, cleaned.secrets),
                                                         {"attachment_id": record.id})
            except BaseException:
                self.store.remove(record.id)
                raise
        except BaseException:
            self.storage.delete(key)
            raise
        language = session.state.language or session.language or self.default_language
        warning = warning_text(cleaned.secrets, language, self.exchange_name) if cleaned.secrets else ""
        return Accepted(record, message, cleaned.removed, warning, open_handoff is not None, list(cleaned.secrets))

    def list(self, session_id: str) -> list[dict[str, Any]]:
        """The session's attachments (id, kind, content type, size, name, time), oldest first."""
        return self.store.refs(session_id)

    def open_for_user(self, session_id: str, attachment_id: str) -> tuple[AttachmentRecord, bytes]:
        """An attachment of this session and its bytes (NotFoundError for any other session's)."""
        record = self._find(attachment_id)
        if record.session_id != session_id:
            raise NotFoundError(f"attachment {attachment_id!r} is not part of this conversation")
        return record, self.storage.get(record.storage_key)

    def open_for_agent(self, handoff_id: str, attachment_id: str) -> tuple[AttachmentRecord, bytes]:
        """An attachment of the handoff's conversation and its bytes (NotFoundError otherwise)."""
        handoff = self.handoffs.get(handoff_id)
        record = self._find(attachment_id)
        if record.session_id != handoff.session_id:
            raise NotFoundError(f"attachment {attachment_id!r} is not part of handoff {handoff_id!r}'s conversation")
        return record, self.storage.get(record.storage_key)

    def _find(self, attachment_id: str) -> AttachmentRecord:
        """The row of an id this service made; any other string (too long, NUL bytes PostgreSQL refuses) is
        unknown without asking the database."""
        if not _ATTACHMENT_ID.match(attachment_id):
            raise NotFoundError(f"attachment {attachment_id[:MAX_ID_CHARS]!r} does not exist")
        return self.store.get(attachment_id)
