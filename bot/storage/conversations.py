"""Sessions, transcripts and feedback: the only code that reads or writes those tables."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from bot.errors import AuthError, InputError, NotFoundError
from bot.state import ConversationState
from bot.storage.db import Database
from bot.storage.ids import require_id_shape
from bot.storage.models import ChatSession, Feedback, Handoff, Message, as_utc, utcnow
from bot.storage.tokens import new_token, token_digest, token_matches
from bot.turn import TurnResult

SESSION_ID_CHARS = 36   # the column's width: a UUID


@dataclass(frozen=True)
class UserInfo:
    """What the embedding site tells us about the user: exchange uid and VIP tier, both optional.

    `email` (where ticket updates go) is only read when a session is created (or, for channels that bring their
    own session ids, while it has no address): it is stored as the session's contact address (see
    `contact_email`) and never loaded back into this record, so it cannot travel into
    handoff packets, webhooks or logs with the rest of the user's details.
    """

    uid: str | None = None
    tier: str | None = None
    email: str | None = None


@dataclass
class SessionRecord:
    """A snapshot of one session row."""

    id: str
    status: str
    language: str | None
    user: UserInfo
    state: ConversationState
    created_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    """One transcript message as the user sees it."""

    id: int
    session_id: str
    role: str
    text: str
    created_at: datetime
    details: dict[str, Any] = field(default_factory=dict)
    action: str | None = None
    faq_id: str | None = None

    def public(self) -> dict[str, Any]:
        """JSON-ready form for the API and the WebSocket."""
        data = {"id": self.id, "role": self.role, "text": self.text, "created_at": self.created_at.isoformat()}
        if self.action is not None:
            data["action"] = self.action
        if self.faq_id is not None:
            data["faq_id"] = self.faq_id
        for key in ("title", "options", "handoff_id", "attachment_id", "intake"):
            if self.details.get(key) is not None:
                data[key] = self.details[key]
        return data


@dataclass(frozen=True)
class StoredTurn:
    """The ids a persisted turn produced."""

    user_message: MessageRecord
    bot_message: MessageRecord | None
    handoff_id: str | None
    ticket: str | None = None   # the ticket number when the handoff became an off-hours ticket


def _state_from(data: dict[str, Any] | None) -> ConversationState:
    known = ConversationState.__dataclass_fields__
    return ConversationState(**{k: v for k, v in (data or {}).items() if k in known})


def _record(row: ChatSession) -> SessionRecord:
    return SessionRecord(id=row.id, status=row.status, language=row.language,
                         user=UserInfo(row.user_uid, row.user_tier), state=_state_from(row.state),
                         created_at=as_utc(row.created_at))


def _message(row: Message) -> MessageRecord:
    return MessageRecord(id=row.id, session_id=row.session_id, role=row.role, text=row.text,
                         created_at=as_utc(row.created_at), details=row.details or {}, action=row.action,
                         faq_id=row.faq_id)


class ConversationStore:
    """Creates sessions, checks their tokens, and stores turns, transcript messages and feedback."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def create_session(self, user: UserInfo | None = None) -> tuple[SessionRecord, str]:
        """A new session and its token (returned once; only its digest is stored)."""
        token = new_token()
        user = user or UserInfo()
        row = ChatSession(id=str(uuid.uuid4()), token_hash=token_digest(token), user_uid=user.uid,
                          user_tier=user.tier, contact_email=user.email, state={}, status="bot", created_at=utcnow(),
                          updated_at=utcnow())
        with self.db.session() as session:
            session.add(row)
        return _record(row), token

    def ensure_session(self, session_id: str, user: UserInfo | None = None) -> SessionRecord:
        """The session with this id, created (with an unusable token) when missing: for channels such as
        Rasa that bring their own conversation ids and authenticate callers themselves. A contact address in
        `user` is stored when the session has none yet."""
        if not session_id or len(session_id) > SESSION_ID_CHARS:
            raise InputError(f"a session id has 1 to {SESSION_ID_CHARS} characters; derive one (e.g. a UUID) "
                             "from longer channel ids")
        with self.db.session() as session:
            row = session.get(ChatSession, session_id)
            if row is None:
                user = user or UserInfo()
                row = ChatSession(id=session_id, token_hash=token_digest(new_token()), user_uid=user.uid,
                                  user_tier=user.tier, contact_email=user.email, state={}, status="bot",
                                  created_at=utcnow(), updated_at=utcnow())
                session.add(row)
                session.flush()
            elif user is not None and user.email and not row.contact_email:
                row.contact_email = user.email
            return _record(row)

    def authenticate(self, session_id: str, token: str | None) -> SessionRecord:
        """The session when `token` is its token; NotFoundError or AuthError (403) otherwise."""
        require_id_shape("session", session_id)
        with self.db.session() as session:
            row = session.get(ChatSession, session_id)
            if row is None:
                raise NotFoundError(f"session {session_id!r} does not exist; start a new one without session_id")
            if not token_matches(token, row.token_hash):
                raise AuthError("wrong or missing session token: send the session_token you were given "
                                "in the X-Session-Token header")
            return _record(row)

    def get(self, session_id: str) -> SessionRecord:
        """The session, without a token check (agents and internal use)."""
        require_id_shape("session", session_id)
        with self.db.session() as session:
            row = session.get(ChatSession, session_id)
            if row is None:
                raise NotFoundError(f"session {session_id!r} does not exist")
            return _record(row)

    def record_turn(self, session_id: str, user_text: str, result: TurnResult | None, state: ConversationState,
                    *, bot_details: dict[str, Any] | None = None,
                    handoff: dict[str, Any] | None = None) -> StoredTurn:
        """Store the (redacted) user message, the bot reply when there is one, the new state and an opened
        handoff, all in one transaction."""
        now = utcnow()
        with self.db.session() as session:
            row = session.get(ChatSession, session_id)
            if row is None:
                raise NotFoundError(f"session {session_id!r} does not exist")
            user = Message(session_id=session_id, role="user", text=user_text, created_at=now,
                           language=result.language if result else None)
            session.add(user)
            handoff_id = None
            if handoff is not None:
                handoff_id = handoff.get("id") or str(uuid.uuid4())
                session.add(Handoff(**{"status": "queued", "created_at": now, **handoff, "id": handoff_id,
                                       "session_id": session_id}))
                row.status = "human"
            bot = None
            if result is not None:
                details = {"intent": result.intent, "reasons": result.reasons, "flags": result.flags,
                           "options": result.options, "entities": result.entities,
                           "candidates": result.candidates[:5], "handoff_id": handoff_id} | (bot_details or {})
                bot = Message(session_id=session_id, role="bot", text=result.reply, created_at=now,
                              action=result.action, faq_id=result.faq_id, language=result.language,
                              confidence=result.confidence, details=details)
                session.add(bot)
            row.state = asdict(state)
            row.language = state.language or row.language
            row.updated_at = now
            session.flush()
            return StoredTurn(_message(user), _message(bot) if bot else None, handoff_id,
                              handoff.get("ticket") if handoff else None)

    def open_handoff(self, session_id: str, fields: dict[str, Any], *, system_text: str,
                     state: ConversationState | None = None) -> MessageRecord:
        """Queue a handoff opened outside a turn (the user's request, a secret in a file), tell the user in a
        system message, mark the session human and, when given, store its new `state`, all in one transaction.
        Returns the system message (its details name the handoff)."""
        now = utcnow()
        handoff_id = fields.get("id") or str(uuid.uuid4())
        with self.db.session() as session:
            row = session.get(ChatSession, session_id)
            if row is None:
                raise NotFoundError(f"session {session_id!r} does not exist")
            session.add(Handoff(**{"status": "queued", "created_at": now, **fields, "id": handoff_id,
                                   "session_id": session_id}))
            message = Message(session_id=session_id, role="system", text=system_text, created_at=now,
                              details={"handoff_id": handoff_id})
            session.add(message)
            row.status, row.updated_at = "human", now
            if state is not None:
                row.state = asdict(state)
            session.flush()
            return _message(message)

    def add_message(self, session_id: str, role: str, text: str,
                    details: dict[str, Any] | None = None) -> MessageRecord:
        """Append an agent or system message to the transcript."""
        with self.db.session() as session:
            if session.get(ChatSession, session_id) is None:
                raise NotFoundError(f"session {session_id!r} does not exist")
            row = Message(session_id=session_id, role=role, text=text, created_at=utcnow(), details=details)
            session.add(row)
            session.flush()
            return _message(row)

    def messages(self, session_id: str, *, after_id: int = 0, limit: int = 500) -> list[MessageRecord]:
        """The transcript in order, optionally only the messages after `after_id`."""
        with self.db.session() as session:
            rows = session.scalars(select(Message).where(Message.session_id == session_id, Message.id > after_id)
                                   .order_by(Message.id).limit(limit))
            return [_message(row) for row in rows]

    def messages_before(self, session_id: str, before_id: int, *, limit: int = 50) -> list[MessageRecord]:
        """Up to `limit` messages just before message `before_id`, oldest first."""
        with self.db.session() as session:
            rows = session.scalars(select(Message).where(Message.session_id == session_id, Message.id < before_id)
                                   .order_by(Message.id.desc()).limit(limit))
            return [_message(row) for row in reversed(list(rows))]

    def contact_email(self, session_id: str) -> str | None:
        """Where the session's ticket updates are e-mailed, if the user gave an address."""
        with self.db.session() as session:
            row = session.get(ChatSession, session_id)
            if row is None:
                raise NotFoundError(f"session {session_id!r} does not exist")
            return row.contact_email

    def set_contact_email(self, session_id: str, address: str | None) -> str | None:
        """Store (or, with None, remove) the session's contact address; returns the previous one."""
        with self.db.session() as session:
            row = session.get(ChatSession, session_id)
            if row is None:
                raise NotFoundError(f"session {session_id!r} does not exist")
            previous, row.contact_email, row.updated_at = row.contact_email, address, utcnow()
            return previous

    def save_state(self, session_id: str, state: ConversationState, *, status: str | None = None) -> None:
        """Persist the policy's state (and the bot/human status when given)."""
        values: dict[str, Any] = {"state": asdict(state), "updated_at": utcnow()}
        if status is not None:
            values["status"] = status
        with self.db.session() as session:
            session.execute(update(ChatSession).where(ChatSession.id == session_id).values(**values))

    def add_feedback(self, session_id: str, message_id: int, helpful: bool, comment: str | None) -> int:
        """Record (or replace) the verdict on one bot message of this session; returns the feedback id."""
        with self.db.session() as session:
            message = session.get(Message, message_id)
            if message is None or message.session_id != session_id:
                raise NotFoundError(f"message {message_id} is not a message of this session")
            if message.role != "bot":
                raise InputError(f"message {message_id} is a {message.role} message; rate a bot answer")
            existing = session.scalar(select(Feedback).where(Feedback.message_id == message_id))
            if existing is None:
                existing = Feedback(session_id=session_id, message_id=message_id, helpful=helpful,
                                    comment=comment, created_at=utcnow())
                session.add(existing)
            else:
                existing.helpful, existing.comment, existing.created_at = helpful, comment, utcnow()
            session.flush()
            return existing.id

    def count_messages(self, role: str | None = None) -> int:
        """How many messages are stored (of one role, when given)."""
        query = select(func.count(Message.id))
        if role is not None:
            query = query.where(Message.role == role)
        with self.db.session() as session:
            return int(session.scalar(query) or 0)
