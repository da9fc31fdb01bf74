"""The agents' side of a handoff: queue, claim, reply, resolve, transfer; the user hears of each live."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.answers import Localizer
from bot.errors import InputError
from bot.handoff.routing import Router
from bot.service.chat import ChatService
from bot.service.handoff_events import HandoffEvents
from bot.storage.api_tokens import Principal
from bot.storage.attachments import AttachmentStore
from bot.storage.handoffs import STATUSES, HandoffRecord, HandoffStore


class AgentService:
    """Every agent action goes through here, so the transcript, the queue and live delivery stay in step."""

    def __init__(self, handoffs: HandoffStore, chat: ChatService, events: HandoffEvents, router: Router,
                 localizer: Localizer) -> None:
        self.handoffs = handoffs
        self.chat = chat
        self.events = events
        self.router = router
        self.localizer = localizer

    async def queue(self, status: str, team: str | None, kind: str | None) -> list[dict[str, Any]]:
        """Handoffs of one status in queue order, each with its context packet."""
        if status not in STATUSES:
            raise InputError(f"status must be one of {list(STATUSES)}, got {status!r}")
        if team is not None and team not in self.router.team_names():
            raise InputError(f"unknown team {team!r}; teams are {self.router.team_names()}")
        records = await run_in_threadpool(self.handoffs.queue, status, team=team)
        return [r.public() for r in records if kind is None or r.kind == kind]

    async def detail(self, handoff_id: str) -> dict[str, Any]:
        """One handoff with its packet, the conversation's current transcript and its attachments."""
        record = await run_in_threadpool(self.handoffs.get, handoff_id)
        messages = await run_in_threadpool(self.chat.store.messages, record.session_id)
        attachments = await run_in_threadpool(AttachmentStore(self.handoffs.db).refs, record.session_id)
        return record.public() | {"transcript": [m.public() for m in messages], "attachments": attachments}

    async def claim(self, handoff_id: str, agent: Principal) -> dict[str, Any]:
        """Take the handoff: exactly one agent wins; the user is told who joined."""
        record = await run_in_threadpool(self.handoffs.claim, handoff_id, agent.id)
        await self._system(record, "agent_joined", agent=agent.name)
        await self.events.handoff_changed(handoff_id, "claimed")
        return record.public()

    async def reply(self, handoff_id: str, agent: Principal, text: str) -> dict[str, Any]:
        """The owning agent's message, redacted like every message, delivered live to the user; the first reply
        on a ticket since the user last wrote also says the ticket was answered (and starts its e-mail)."""
        record = await run_in_threadpool(self.handoffs.require_owner, handoff_id, agent.id,
                                         admin=agent.role == "admin")
        guarded = await run_in_threadpool(self.chat.holder.current.redact, text)
        message = await self.chat.post(record.session_id, "agent", guarded.text,
                                       {"agent": agent.name, "handoff_id": handoff_id})
        if await self.events.ticket_answered(record, message["id"]):
            await self._system(record, "ticket_answered", ticket=record.ticket or "")
        return message

    async def resolve(self, handoff_id: str, agent: Principal) -> dict[str, Any]:
        """Close the handoff; the bot answers the user again."""
        record = await run_in_threadpool(self.handoffs.resolve, handoff_id, agent.id, admin=agent.role == "admin")
        session = await run_in_threadpool(self.chat.store.get, record.session_id)
        state = session.state
        state.consecutive_failures, state.offered, state.intake = 0, [], None
        await run_in_threadpool(self.chat.store.save_state, record.session_id, state)
        if record.kind == "ticket":
            await self._system(record, "ticket_closed", ticket=record.ticket or "")
        else:
            await self._system(record, "handoff_resolved")
        await self.events.handoff_changed(handoff_id, "resolved")
        return record.public()

    async def transfer(self, handoff_id: str, agent: Principal, team: str) -> dict[str, Any]:
        """Back into the queue of another team, keeping its priority and waiting time."""
        route = self.router.route_to(team)
        record = await run_in_threadpool(self.handoffs.transfer, handoff_id, agent.id, route.team,
                                         admin=agent.role == "admin")
        await self._system(record, "handoff_transferred", team=route.team)
        await self.events.handoff_changed(handoff_id, "transferred")
        return record.public()

    async def _system(self, record: HandoffRecord, key: str, **values: str) -> None:
        language = record.language or self.localizer.languages.default
        text = self.localizer.message(key, language, **values)
        await self.chat.post(record.session_id, "system", text, {"handoff_id": record.id})
