"""Opening handoffs: complete context packets, priorities, live queue notices and off-hours tickets."""

from datetime import UTC, datetime

import pytest

from bot.answers import Localizer
from bot.handoff.desk import HandoffDesk
from bot.handoff.packet import priority, tier_priority
from bot.state import ConversationState
from bot.storage.conversations import ConversationStore, UserInfo
from bot.storage.db import Database
from bot.storage.handoffs import HandoffStore
from bot.turn import TurnResult
from tests.conftest import make_settings

PACKET_FIELDS = {"session_id", "reason", "language", "user", "intent", "confidence", "reasons", "flags",
                 "candidates", "entities", "transcript", "summary", "route"}
TEAMS = ('[{"name": "asia", "languages": ["zh-CN"], "timezone": "Asia/Shanghai", "open": "08:00", '
         '"close": "23:00"}, {"name": "global", "languages": ["en", "fr"]}]')


@pytest.fixture
def desk(tmp_path):
    settings = make_settings(tmp_path, encoder__backend="hashing", handoff__teams=TEAMS,
                             handoff__ticket_prefix="KS", handoff__ticket_response_hours="12")
    database = Database(settings.storage.database_url)
    database.migrate()
    store = ConversationStore(database)
    clock = {"now": datetime(2026, 11, 24, 3, 0, tzinfo=UTC)}
    desk = HandoffDesk(settings, store, HandoffStore(database), Localizer(settings.languages, settings.brand),
                       clock=lambda: clock["now"])
    desk.clock = clock   # type: ignore[attr-defined]
    return desk


def _turn(text: str, language: str = "en", **kw) -> TurnResult:
    defaults = {"action": "handoff", "reply": "connecting you", "language": language, "intent": "request_human",
                "reasons": ["handoff_intent:request_human"], "user_text": text,
                "candidates": [{"faq_id": "deposit.not_arrived", "score": 0.41}],
                "entities": [{"kind": "coin", "value": "USDT"}]}
    return TurnResult(**{**defaults, **kw})


def _open(desk, session_id: str, result: TurnResult) -> str:
    prepared = desk.prepare(desk.conversations.get(session_id), result)
    desk.conversations.record_turn(session_id, result.user_text, result, ConversationState(language="en"),
                                   handoff=prepared.fields)
    return prepared.id


def test_packet_has_every_field_and_the_whole_transcript(desk):
    """The agent sees the transcript (including the triggering message), entities, candidates and user."""
    session, _ = desk.conversations.create_session(UserInfo(uid="U123", tier="vip2"))
    earlier = _turn("my USDT deposit txid 0xabc is missing", action="answer", intent="faq",
                    entities=[{"kind": "txid", "value": "0xabc"}])
    desk.conversations.record_turn(session.id, earlier.user_text, earlier, ConversationState(language="en"))
    handoff_id = _open(desk, session.id, _turn("I want a human"))
    record = desk.handoffs.get(handoff_id)
    assert set(record.packet) >= PACKET_FIELDS
    assert [m["role"] for m in record.packet["transcript"]] == ["user", "bot", "user"]
    assert record.packet["transcript"][-1]["text"] == "I want a human"
    assert {"kind": "txid", "value": "0xabc"} in record.packet["entities"]
    assert record.packet["user"] == {"uid": "U123", "tier": "vip2"}
    assert record.reason == "user_request" and record.kind == "live" and record.team == "global"
    assert record.summary.startswith("user_request [deposit.not_arrived]: I want a human")


def test_queue_notice_counts_the_people_ahead(desk):
    """The second live handoff in a team is told it is number 2 with a longer wait."""
    first, _ = desk.conversations.create_session()
    _open(desk, first.id, _turn("human please"))
    second, _ = desk.conversations.create_session()
    prepared = desk.prepare(desk.conversations.get(second.id), _turn("human please"))
    assert "number 2" in prepared.notice and "8 min" in prepared.notice


def test_off_hours_become_numbered_tickets_with_a_due_time(desk):
    """At 01:00 Shanghai the Chinese team is closed: a ticket KS-000001 due in 12 hours, told in Chinese."""
    desk.clock["now"] = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    session, _ = desk.conversations.create_session()
    prepared = desk.prepare(desk.conversations.get(session.id), _turn("我要人工", language="zh-CN"))
    assert prepared.fields["kind"] == "ticket" and prepared.fields["ticket"] == "KS-000001"
    assert prepared.fields["due_at"] == datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
    assert "KS-000001" in prepared.notice and "12" in prepared.notice and "工单" in prepared.notice
    again = desk.prepare(desk.conversations.get(session.id), _turn("我要人工", language="zh-CN"))
    assert again.fields["ticket"] == "KS-000002"


def test_security_emergencies_and_vips_go_first():
    """Security outranks any VIP tier; VIP outranks regular users."""
    assert priority("security", None) > priority("user_request", "vip9") > priority("user_request", None)
    assert tier_priority("VIP3") > tier_priority("1") > tier_priority("regular") == tier_priority(None) == 0


def test_security_handoff_is_flagged_urgent(desk):
    """A pasted key's handoff carries reason security and top priority."""
    session, _ = desk.conversations.create_session()
    result = _turn("[redacted private key]", intent="security_emergency",
                   reasons=["security_emergency", "secret_exposed:private_key"], flags=["secret_exposed"])
    record = desk.handoffs.get(_open(desk, session.id, result))
    assert record.reason == "security" and record.priority >= 100


def test_the_users_files_are_listed_in_the_packet(desk):
    """The packet lists the conversation's attachments as the attachment store gives them; none, no key."""
    session, _ = desk.conversations.create_session(None)
    assert "attachments" not in desk.prepare(session, _turn("help")).fields["packet"]
    files = [{"id": "a1", "kind": "image", "content_type": "image/png", "size": 1234, "filename": "error.png"}]
    desk.attachments = {session.id: files}.get
    assert desk.prepare(session, _turn("help")).fields["packet"]["attachments"] == files
