"""ConversationStore: sessions and tokens, turns in one transaction, transcript order, feedback upsert."""

from __future__ import annotations

import hashlib
from datetime import UTC

import pytest
from sqlalchemy import func, select

from bot.errors import AuthError, InputError, NotFoundError
from bot.state import ConversationState
from bot.storage.conversations import ConversationStore, UserInfo
from bot.storage.models import ChatSession, Feedback, Handoff
from bot.turn import TurnResult
from tests.unit.storage import DATABASES, dump_tables, migrated_database


@pytest.fixture(params=DATABASES)
def db(request, tmp_path):
    """A migrated, empty database (SQLite file, or a fresh PostgreSQL schema)."""
    with migrated_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def store(db):
    """The store on that database."""
    return ConversationStore(db)


def _result(reply="Withdrawals take 10 minutes.", action="answer", language="en", **fields) -> TurnResult:
    return TurnResult(action=action, reply=reply, language=language, faq_id=fields.pop("faq_id", "withdraw.time"),
                      candidates=[{"faq_id": "withdraw.time", "score": 0.8}], confidence=0.8, intent="faq",
                      reasons=["confident"], user_text=fields.pop("user_text", "how long"), **fields)


def _turn(store, session_id, text="how long does a withdrawal take", **kwargs):
    state = kwargs.pop("state", ConversationState(language="en", turns=1))
    return store.record_turn(session_id, text, _result(user_text=text), state, **kwargs)


def test_create_session_returns_a_token_and_stores_only_its_digest(store, db):
    """A new session is 'bot', has the user info, and its token is returned once: the row holds the SHA-256."""
    record, token = store.create_session(UserInfo("u-1", "vip2"))
    assert record.status == "bot" and record.user == UserInfo("u-1", "vip2") and record.state == ConversationState()
    assert record.created_at.tzinfo is not None and len(token) >= 40
    with db.session() as session:
        row = session.get(ChatSession, record.id)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in dump_tables(db)
    assert store.create_session()[1] != token


def test_authenticate_checks_the_token(store):
    """The right token returns the session; a wrong or missing one is AuthError 403; an unknown id NotFoundError."""
    record, token = store.create_session()
    _, other_token = store.create_session()
    assert store.authenticate(record.id, token).id == record.id
    for wrong in (None, "", other_token, token + "x"):
        with pytest.raises(AuthError) as denied:
            store.authenticate(record.id, wrong)
        assert denied.value.status == 403
    with pytest.raises(NotFoundError):
        store.authenticate("no-such-session", token)
    with pytest.raises(NotFoundError):
        store.get("no-such-session")


def test_record_turn_stores_user_and_bot_messages_and_state(store):
    """A turn stores the user message, the bot reply with its decision, the state and the session language."""
    record, _ = store.create_session()
    state = ConversationState(language="fr", turns=3, consecutive_failures=1, offered=["a", "b"])
    stored = store.record_turn(record.id, "combien de temps", _result(language="fr", user_text="combien de temps"),
                               state, bot_details={"title": "Withdrawal time"})
    assert stored.user_message.role == "user" and stored.user_message.text == "combien de temps"
    assert stored.bot_message.role == "bot" and stored.bot_message.text == "Withdrawals take 10 minutes."
    assert stored.bot_message.id > stored.user_message.id and stored.handoff_id is None
    assert stored.bot_message.details["title"] == "Withdrawal time" and stored.bot_message.details["intent"] == "faq"
    again = store.get(record.id)
    assert again.state == state and again.language == "fr" and again.status == "bot"


def test_record_turn_with_a_handoff_opens_it_in_the_same_transaction(store, db):
    """A turn that hands over stores the handoff, links it from the bot message and marks the session human."""
    record, _ = store.create_session()
    fields = {"reason": "security", "priority": 100, "language": "en", "summary": "security: [REDACTED]",
              "packet": {"reason": "security"}}
    stored = _turn(store, record.id, handoff=fields)
    assert stored.handoff_id and stored.bot_message.details["handoff_id"] == stored.handoff_id
    assert store.get(record.id).status == "human"
    with db.session() as session:
        row = session.get(Handoff, stored.handoff_id)
        assert (row.session_id, row.status, row.reason, row.priority) == (record.id, "queued", "security", 100)


def test_record_turn_without_a_result_stores_only_the_user_message(store):
    """While a person owns the session, a turn stores the user's message and no bot reply."""
    record, _ = store.create_session()
    stored = store.record_turn(record.id, "hello?", None, ConversationState())
    assert stored.bot_message is None and stored.handoff_id is None
    assert [(m.role, m.text) for m in store.messages(record.id)] == [("user", "hello?")]


def test_record_turn_on_an_unknown_session_stores_nothing(store):
    """Recording a turn for a session that does not exist is NotFoundError and leaves no message behind."""
    with pytest.raises(NotFoundError):
        _turn(store, "missing")
    assert store.count_messages() == 0


def test_messages_are_in_order_with_after_id_and_limit(store):
    """The transcript is oldest first; after_id skips what the caller has; limit caps the count."""
    record, _ = store.create_session()
    other, _ = store.create_session()
    for n in range(3):
        _turn(store, record.id, f"question {n}")
        _turn(store, other.id, f"other {n}")
    store.add_message(record.id, "agent", "Hi, Anna here")
    messages = store.messages(record.id)
    assert [m.role for m in messages] == ["user", "bot"] * 3 + ["agent"]
    assert [m.text for m in messages if m.role == "user"] == ["question 0", "question 1", "question 2"]
    assert [m.id for m in messages] == sorted(m.id for m in messages)
    assert all(m.session_id == record.id and m.created_at.tzinfo is not None for m in messages)
    assert [m.id for m in store.messages(record.id, after_id=messages[3].id)] == [m.id for m in messages[4:]]
    assert len(store.messages(record.id, limit=2)) == 2
    assert store.count_messages() == 13 and store.count_messages("agent") == 1


def test_message_times_come_back_as_utc(store):
    """Stored times are read back timezone-aware UTC on both databases."""
    record, _ = store.create_session()
    _turn(store, record.id)
    for message in store.messages(record.id):
        assert message.created_at.utcoffset().total_seconds() == 0
    assert store.get(record.id).created_at.tzinfo is not None
    assert store.get(record.id).created_at.astimezone(UTC) == record.created_at


def test_add_message_needs_an_existing_session(store):
    """Agent and system messages can only be added to a session that exists."""
    with pytest.raises(NotFoundError):
        store.add_message("missing", "agent", "hello")


def test_open_handoff_adds_a_system_message_and_marks_the_session_human(store):
    """A requested handoff is queued with a system message that links it."""
    record, _ = store.create_session()
    message = store.open_handoff(record.id, {"reason": "user_request", "priority": 0, "summary": "",
                                             "packet": {}}, system_text="Connecting you to an agent.")
    handoff_id = message.details["handoff_id"]
    last = store.messages(record.id)[-1]
    assert message == last
    assert last.role == "system" and last.text == "Connecting you to an agent."
    assert last.details["handoff_id"] == handoff_id and last.public()["handoff_id"] == handoff_id
    assert store.get(record.id).status == "human"


def test_feedback_upsert_keeps_one_row_per_answer(store, db):
    """A second verdict on the same bot message replaces the first (same id, one row)."""
    record, _ = store.create_session()
    bot = _turn(store, record.id).bot_message
    first = store.add_feedback(record.id, bot.id, True, None)
    second = store.add_feedback(record.id, bot.id, False, "wrong answer")
    assert first == second
    with db.session() as session:
        rows = session.scalars(select(Feedback).where(Feedback.message_id == bot.id)).all()
        assert [(r.helpful, r.comment) for r in rows] == [(False, "wrong answer")]


def test_feedback_only_on_bot_messages_of_the_same_session(store):
    """Feedback on a user message is InputError; on another session's or an unknown message NotFoundError."""
    record, _ = store.create_session()
    other, _ = store.create_session()
    stored = _turn(store, record.id)
    theirs = _turn(store, other.id).bot_message
    with pytest.raises(InputError):
        store.add_feedback(record.id, stored.user_message.id, True, None)
    with pytest.raises(NotFoundError):
        store.add_feedback(record.id, theirs.id, True, None)
    with pytest.raises(NotFoundError):
        store.add_feedback(record.id, 10**9, True, None)


def test_save_state_and_status(store):
    """save_state persists the policy's state and, when given, the bot/human status."""
    record, _ = store.create_session()
    state = ConversationState(language="ja", consecutive_failures=2, human_owned=True, last_faq_id="x", turns=7)
    store.save_state(record.id, state)
    assert store.get(record.id).state == state and store.get(record.id).status == "bot"
    store.save_state(record.id, state, status="human")
    assert store.get(record.id).status == "human"


def test_ensure_session_creates_once_and_cannot_be_authenticated(store, db):
    """ensure_session creates the caller's id once, then returns it; its hidden token never authenticates."""
    created = store.ensure_session("rasa-conversation-1", UserInfo(uid="u-9"))
    again = store.ensure_session("rasa-conversation-1", UserInfo(uid="someone-else"))
    assert created.id == again.id == "rasa-conversation-1" and again.user.uid == "u-9"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ChatSession)) == 1
    for token in (None, "", "rasa-conversation-1"):
        with pytest.raises(AuthError):
            store.authenticate("rasa-conversation-1", token)


def test_ensure_session_refuses_ids_longer_than_a_uuid(store):
    """A channel id longer than the column is refused with a clear message on both backends (derive a UUID)."""
    with pytest.raises(InputError, match="derive one"):
        store.ensure_session("telegram:" + "9" * 40)
    assert store.ensure_session("9" * 36).id == "9" * 36
