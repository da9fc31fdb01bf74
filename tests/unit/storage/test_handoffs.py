"""HandoffStore: queue order, one winner per claim under a race, ownership rules, unknown ids."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import ConflictError, NotFoundError
from bot.storage.api_tokens import TokenStore
from bot.storage.conversations import ConversationStore
from bot.storage.handoffs import HandoffStore
from tests.unit.storage import DATABASES, migrated_database

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(params=DATABASES)
def db(request, tmp_path):
    """A migrated, empty database (SQLite file, or a fresh PostgreSQL schema)."""
    with migrated_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def handoffs(db):
    """The store on that database."""
    return HandoffStore(db)


@pytest.fixture
def agents(db):
    """Two agents and an admin: their token ids."""
    tokens = TokenStore(db)
    return {name: tokens.create(name, role)[0].id for name, role in
            [("alice", "agent"), ("bob", "agent"), ("root", "admin")]}


def _open(db, priority=0, minutes=0, team=None, reason="low_confidence") -> str:
    """A queued handoff of a new session, created `minutes` after T0."""
    conversations = ConversationStore(db)
    record, _ = conversations.create_session()
    fields = {"reason": reason, "priority": priority, "team": team, "summary": f"{reason}: help",
              "packet": {"reason": reason}, "created_at": T0 + timedelta(minutes=minutes)}
    message = conversations.open_handoff(record.id, fields, system_text="An agent will be with you shortly.")
    return message.details["handoff_id"]


def test_queue_is_by_priority_then_longest_waiting(db, handoffs):
    """The queue lists the highest priority first and, within a priority, the oldest first."""
    late_low = _open(db, priority=0, minutes=5)
    early_low = _open(db, priority=0, minutes=1)
    vip = _open(db, priority=12, minutes=9)
    security = _open(db, priority=100, minutes=30, reason="security")
    security_early = _open(db, priority=100, minutes=2, reason="security")
    order = [h.id for h in handoffs.queue()]
    assert order == [security_early, security, vip, early_low, late_low]
    assert handoffs.waiting_ahead(late_low) == 4 and handoffs.waiting_ahead(security_early) == 0
    assert all(h.status == "queued" and h.agent is None for h in handoffs.queue())


def test_queue_filters_by_status_and_team(db, handoffs, agents):
    """Claimed handoffs leave the queued list; team filters apply."""
    a = _open(db, team="kyc", minutes=1)
    b = _open(db, team="payments", minutes=2)
    handoffs.claim(a, agents["alice"])
    assert [h.id for h in handoffs.queue()] == [b]
    assert [h.id for h in handoffs.queue("claimed")] == [a]
    assert [h.id for h in handoffs.queue(team="payments")] == [b] and handoffs.queue(team="kyc") == []


def test_claim_race_has_exactly_one_winner(db, handoffs):
    """50 agents claim the same handoff at once: exactly one wins, the 49 others get ConflictError."""
    handoff_id = _open(db)
    tokens = TokenStore(db)
    agent_ids = [tokens.create(f"agent{n}", "agent")[0].id for n in range(50)]
    start = threading.Barrier(len(agent_ids))
    winners, conflicts, other = [], [], []

    def claim(agent_id: int) -> None:
        start.wait()
        try:
            winners.append(handoffs.claim(handoff_id, agent_id))
        except ConflictError as exc:
            conflicts.append(str(exc))
        except Exception as exc:
            other.append(repr(exc))

    threads = [threading.Thread(target=claim, args=(agent_id,)) for agent_id in agent_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert other == [] and len(winners) == 1 and len(conflicts) == 49
    stored = handoffs.get(handoff_id)
    assert stored.status == "claimed" and stored.agent == winners[0].agent and stored.claimed_at is not None
    assert all("already claimed" in message for message in conflicts)


def test_only_the_owner_or_an_admin_may_resolve(db, handoffs, agents):
    """Another agent cannot resolve a claimed handoff; the owner can; the session goes back to the bot."""
    handoff_id = _open(db)
    session_id = handoffs.get(handoff_id).session_id
    with pytest.raises(ConflictError, match="claim it first"):
        handoffs.resolve(handoff_id, agents["alice"])
    handoffs.claim(handoff_id, agents["alice"])
    with pytest.raises(ConflictError, match="not by you"):
        handoffs.resolve(handoff_id, agents["bob"])
    resolved = handoffs.resolve(handoff_id, agents["alice"])
    assert resolved.status == "resolved" and resolved.resolved_at is not None
    assert ConversationStore(db).get(session_id).status == "bot"
    with pytest.raises(ConflictError):
        handoffs.resolve(handoff_id, agents["alice"])
    with pytest.raises(ConflictError):
        handoffs.claim(handoff_id, agents["bob"])
    assert [h.id for h in handoffs.queue("resolved")] == [handoff_id]


def test_admin_may_act_on_any_claimed_handoff(db, handoffs, agents):
    """With admin=True, someone else's claimed handoff can be resolved."""
    handoff_id = _open(db)
    handoffs.claim(handoff_id, agents["alice"])
    assert handoffs.resolve(handoff_id, agents["root"], admin=True).status == "resolved"


def test_transfer_requeues_for_another_team_keeping_its_place(db, handoffs, agents):
    """Transfer: only the owner; the handoff is queued again for the new team, unclaimed, with its original age."""
    older = _open(db, minutes=1)
    newer = _open(db, minutes=3)
    created = handoffs.get(older).created_at
    handoffs.claim(older, agents["alice"])
    with pytest.raises(ConflictError):
        handoffs.transfer(older, agents["bob"], "kyc")
    moved = handoffs.transfer(older, agents["alice"], "kyc")
    assert (moved.status, moved.team, moved.agent, moved.claimed_at) == ("queued", "kyc", None, None)
    assert moved.created_at == created
    assert [h.id for h in handoffs.queue()] == [older, newer]
    assert handoffs.claim(older, agents["bob"]).agent == "bob"


def test_transfer_of_an_unclaimed_handoff_is_a_conflict(db, handoffs, agents):
    """A queued handoff must be claimed before it can be transferred."""
    with pytest.raises(ConflictError, match="claim it first"):
        handoffs.transfer(_open(db), agents["alice"], "kyc")


@pytest.mark.parametrize("action", ["get", "claim", "resolve", "transfer", "waiting_ahead"])
def test_unknown_handoff_is_not_found(handoffs, agents, action):
    """Every operation on an unknown handoff id is NotFoundError (a 404 in the API)."""
    calls = {"get": lambda: handoffs.get("nope"), "claim": lambda: handoffs.claim("nope", agents["alice"]),
             "resolve": lambda: handoffs.resolve("nope", agents["alice"]),
             "transfer": lambda: handoffs.transfer("nope", agents["alice"], "kyc"),
             "waiting_ahead": lambda: handoffs.waiting_ahead("nope")}
    with pytest.raises(NotFoundError):
        calls[action]()


def test_latest_for_session(db, handoffs, agents):
    """latest_for_session gives the session's newest handoff (None for a session without one)."""
    handoff_id = _open(db)
    session_id = handoffs.get(handoff_id).session_id
    assert handoffs.latest_for_session(session_id).id == handoff_id
    assert handoffs.latest_for_session("no-such-session") is None
    record = handoffs.get(handoff_id)
    assert record.public()["id"] == handoff_id and record.public()["packet"] == {"reason": "low_confidence"}
