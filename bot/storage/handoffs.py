"""The handoff queue: list in priority order, claim (exactly one winner), resolve, transfer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update

from bot.errors import ConflictError, NotFoundError
from bot.storage.db import Database
from bot.storage.ids import require_id_shape
from bot.storage.models import (
    ApiToken,
    ChatSession,
    Handoff,
    TicketNumber,
    as_utc,
    as_utc_or_none,
    utcnow,
)

STATUSES = ("queued", "claimed", "resolved")


@dataclass(frozen=True)
class HandoffRecord:
    """A snapshot of one handoff with its context packet."""

    id: str
    session_id: str
    status: str
    reason: str
    priority: int
    language: str | None
    team: str | None
    summary: str
    packet: dict[str, Any]
    agent: str | None
    created_at: datetime
    claimed_at: datetime | None
    resolved_at: datetime | None
    kind: str = "live"
    ticket: str | None = None
    due_at: datetime | None = None
    agent_id: int | None = None

    def public(self) -> dict[str, Any]:
        """JSON-ready form for the agent API."""
        return {"id": self.id, "session_id": self.session_id, "status": self.status, "reason": self.reason,
                "priority": self.priority, "language": self.language, "team": self.team, "summary": self.summary,
                "agent": self.agent, "created_at": self.created_at.isoformat(),
                "claimed_at": self.claimed_at.isoformat() if self.claimed_at else None,
                "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
                "kind": self.kind, "ticket": self.ticket, "due_at": self.due_at.isoformat() if self.due_at else None,
                "packet": self.packet}


def _rowcount(result: Any) -> int:
    """Rows an UPDATE changed (typed as Any: SQLAlchemy's generic Result does not declare it)."""
    return int(result.rowcount)


def _record(row: Handoff, agent: str | None) -> HandoffRecord:
    return HandoffRecord(id=row.id, session_id=row.session_id, status=row.status, reason=row.reason,
                         priority=row.priority, language=row.language, team=row.team, summary=row.summary,
                         packet=row.packet or {}, agent=agent, created_at=as_utc(row.created_at),
                         claimed_at=as_utc_or_none(row.claimed_at), resolved_at=as_utc_or_none(row.resolved_at),
                         kind=row.kind, ticket=row.ticket, due_at=as_utc_or_none(row.due_at), agent_id=row.agent_id)


class HandoffStore:
    """Reads and changes handoffs; every state change is one conditional UPDATE, safe across instances."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def get(self, handoff_id: str) -> HandoffRecord:
        """One handoff (NotFoundError when unknown)."""
        require_id_shape("handoff", handoff_id)
        with self.db.session() as session:
            row = session.get(Handoff, handoff_id)
            if row is None:
                raise NotFoundError(f"handoff {handoff_id!r} does not exist")
            agent = session.get(ApiToken, row.agent_id) if row.agent_id else None
            return _record(row, agent.name if agent else None)

    def latest_for_session(self, session_id: str) -> HandoffRecord | None:
        """The session's most recent handoff, if any."""
        with self.db.session() as session:
            row = session.scalar(select(Handoff).where(Handoff.session_id == session_id)
                                 .order_by(Handoff.created_at.desc()).limit(1))
            if row is None:
                return None
            agent = session.get(ApiToken, row.agent_id) if row.agent_id else None
            return _record(row, agent.name if agent else None)

    def amend_packet(self, handoff_id: str, key: str, value: Any) -> None:
        """Set `key` of an open handoff's packet (e.g. the intake record as the user answers after the handoff
        opened). The row is locked while it changes, so two amendments never lose each other's key."""
        require_id_shape("handoff", handoff_id)
        with self.db.session() as session:
            row = session.scalar(select(Handoff).where(Handoff.id == handoff_id).with_for_update())
            if row is None:
                raise NotFoundError(f"handoff {handoff_id!r} does not exist")
            row.packet = {**(row.packet or {}), key: value}   # a new dict: JSON columns track assignment only

    def queue(self, status: str = "queued", *, team: str | None = None, limit: int = 200) -> list[HandoffRecord]:
        """Handoffs of one status in queue order: highest priority first, then longest waiting."""
        query = select(Handoff, ApiToken.name).outerjoin(ApiToken, Handoff.agent_id == ApiToken.id).where(
            Handoff.status == status)
        if team is not None:
            query = query.where(Handoff.team == team)
        order_time = Handoff.created_at.asc() if status != "resolved" else Handoff.resolved_at.desc()
        query = query.order_by(Handoff.priority.desc(), order_time).limit(limit)
        with self.db.session() as session:
            return [_record(row, name) for row, name in session.execute(query)]

    def claim(self, handoff_id: str, agent_id: int) -> HandoffRecord:
        """Give a queued handoff to one agent; everyone else gets ConflictError (409)."""
        require_id_shape("handoff", handoff_id)
        with self.db.session() as session:
            won = _rowcount(session.execute(update(Handoff).where(Handoff.id == handoff_id, Handoff.status == "queued")
                                  .values(status="claimed", agent_id=agent_id, claimed_at=utcnow())))
        if not won:
            current = self.get(handoff_id)
            raise ConflictError(f"handoff {handoff_id} is already {current.status}"
                                + (f" by {current.agent}" if current.agent else ""))
        return self.get(handoff_id)

    def require_owner(self, handoff_id: str, agent_id: int, *, admin: bool = False) -> HandoffRecord:
        """The handoff when this agent owns it (admins may act on any claimed handoff)."""
        require_id_shape("handoff", handoff_id)
        record = self.get(handoff_id)
        if record.status != "claimed":
            raise ConflictError(f"handoff {handoff_id} is {record.status}; claim it first")
        if record.agent_id != agent_id and not admin:
            raise ConflictError(f"handoff {handoff_id} is claimed by {record.agent}, not by you")
        return record

    def resolve(self, handoff_id: str, agent_id: int, *, admin: bool = False) -> HandoffRecord:
        """Close the handoff; the bot answers the session again."""
        require_id_shape("handoff", handoff_id)
        record = self.require_owner(handoff_id, agent_id, admin=admin)
        with self.db.session() as session:
            still_claimed = update(Handoff).where(Handoff.id == handoff_id, Handoff.status == "claimed")
            done = _rowcount(session.execute(still_claimed.values(status="resolved", resolved_at=utcnow())))
            if not done:
                raise ConflictError(f"handoff {handoff_id} changed meanwhile; reload it")
            session.execute(update(ChatSession).where(ChatSession.id == record.session_id)
                            .values(status="bot", updated_at=utcnow()))
        return self.get(handoff_id)

    def transfer(self, handoff_id: str, agent_id: int, team: str, *, admin: bool = False) -> HandoffRecord:
        """Put a claimed handoff back in the queue for another team, keeping its place in line."""
        require_id_shape("handoff", handoff_id)
        self.require_owner(handoff_id, agent_id, admin=admin)
        with self.db.session() as session:
            session.execute(update(Handoff).where(Handoff.id == handoff_id, Handoff.status == "claimed")
                            .values(status="queued", team=team, agent_id=None, claimed_at=None))
        return self.get(handoff_id)

    def allocate_ticket(self, handoff_id: str) -> int:
        """The next ticket sequence number, reserved for `handoff_id` (Router.ticket_number formats it)."""
        with self.db.session() as session:
            row = TicketNumber(handoff_id=handoff_id)
            session.add(row)
            session.flush()
            return row.id

    def position(self, team: str | None, priority: int) -> int:
        """Where a new handoff of this priority would stand in its team's queue (1 = next)."""
        with self.db.session() as session:
            query = select(func.count(Handoff.id)).where(Handoff.status == "queued", Handoff.kind == "live",
                                                         Handoff.priority >= priority)
            if team is not None:
                query = query.where(Handoff.team == team)
            return int(session.scalar(query) or 0) + 1

    def waiting_ahead(self, handoff_id: str) -> int:
        """How many queued handoffs an agent of the same team would take before this one."""
        record = self.get(handoff_id)
        ahead = case((Handoff.priority > record.priority, 1),
                     ((Handoff.priority == record.priority) & (Handoff.created_at < record.created_at), 1), else_=0)
        with self.db.session() as session:
            rows = session.execute(select(ahead).where(Handoff.status == "queued", Handoff.team == record.team,
                                                       Handoff.id != handoff_id)).scalars()
            return sum(rows)
