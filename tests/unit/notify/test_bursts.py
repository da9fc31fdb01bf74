"""Reply bursts: one "answered" notice per run of agent replies before the user writes again."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.notify.bursts import burst_replies, starts_burst
from bot.storage.conversations import MessageRecord

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def _m(id_: int, role: str, text: str = "", handoff: str | None = "h1") -> MessageRecord:
    return MessageRecord(id_, "s1", role, text or f"{role} {id_}", NOW, {"handoff_id": handoff} if handoff else {})


def test_first_reply_after_the_user_starts_a_burst_and_system_notices_do_not_count():
    """user, system notice -> new burst; agent reply (same ticket), system notice -> same burst."""
    assert starts_burst([_m(1, "user"), _m(2, "bot"), _m(3, "system")], "h1")
    assert not starts_burst([_m(1, "user"), _m(2, "agent"), _m(3, "system")], "h1")
    assert starts_burst([_m(1, "user"), _m(2, "agent"), _m(3, "user")], "h1")
    assert starts_burst([], "h1")


def test_a_reply_on_an_earlier_handoff_does_not_continue_the_burst():
    """The previous agent message belonged to another (resolved) handoff of the session."""
    assert starts_burst([_m(1, "agent", handoff="old")], "h1")


def test_burst_replies_stop_at_the_users_next_message():
    """The burst's agent replies of this ticket, in order, up to the user's next message."""
    messages = [_m(5, "agent", "one"), _m(6, "system"), _m(7, "agent", "two"), _m(8, "agent", "x", handoff="h2"),
                _m(9, "user"), _m(10, "agent", "three")]
    assert burst_replies(messages, 5, "h1") == ["one", "two"]
    assert burst_replies(messages, 7, "h1") == ["two"]
    assert burst_replies(messages, 10, "h1") == ["three"]
