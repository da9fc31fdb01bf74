"""One chat turn as the service runs it: authenticate, answer, persist, hand off, publish live."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.errors import ConflictError, InputError
from bot.handoff.desk import HandoffDesk
from bot.handoff.packet import handoff_reason
from bot.service.handoff_events import HandoffEvents
from bot.service.holder import AssistantHolder
from bot.service.hub import LiveHub
from bot.service.metrics import ServiceMetrics
from bot.storage.conversations import ConversationStore, MessageRecord, SessionRecord, StoredTurn, UserInfo
from bot.turn import TurnResult


@dataclass
class ChatOutcome:
    """What `POST /v1/chat` and the WebSocket return for one user message."""

    session: SessionRecord
    token: str | None
    result: TurnResult | None
    stored: StoredTurn
    status: str

    def to_dict(self) -> dict[str, Any]:
        """The response body."""
        body: dict[str, Any] = self.result.to_dict() if self.result else {
            "action": "queued", "faq_id": None, "candidates": [], "confidence": 0.0,
            "language": self.session.language, "intent": None, "reply": "", "reasons": ["human_owned"],
            "flags": [], "options": [], "entities": [], "title": None, "intake": None}
        body["session_id"] = self.session.id
        if self.token is not None:
            body["session_token"] = self.token
        body["message_id"] = self.stored.bot_message.id if self.stored.bot_message else None
        body["handoff_id"] = self.stored.handoff_id
        body["ticket"] = self.stored.ticket
        body["status"] = self.status
        return body


class ChatService:
    """Runs turns for the REST and WebSocket endpoints; CPU and database work go to worker threads."""

    def __init__(self, holder: AssistantHolder, store: ConversationStore, hub: LiveHub,
                 metrics: ServiceMetrics, desk: HandoffDesk, events: HandoffEvents) -> None:
        self.holder = holder
        self.store = store
        self.hub = hub
        self.metrics = metrics
        self.desk = desk
        self.events = events
        self._locks: dict[str, asyncio.Lock] = {}

    async def open_session(self, user: UserInfo | None) -> tuple[SessionRecord, str]:
        """A new session and its token."""
        return await run_in_threadpool(self.store.create_session, user)

    async def authenticate(self, session_id: str, token: str | None) -> SessionRecord:
        """The session when the token matches (404 / 403 otherwise)."""
        return await run_in_threadpool(self.store.authenticate, session_id, token)

    async def turn(self, session: SessionRecord, text: str, lang: str | None, *,
                   token: str | None = None, utc_offset: int | None = None) -> ChatOutcome:
        """Answer (or, while a person owns the conversation, forward) one user message and store it.
        `utc_offset` (minutes east of UTC) is the user's zone, remembered for the times intake forms read."""
        lock = self._locks.setdefault(session.id, asyncio.Lock())
        async with lock:   # one turn at a time per session, so the state is never written twice at once
            started = time.perf_counter()
            outcome = await run_in_threadpool(self._turn_sync, session.id, text, lang, utc_offset)
            self.metrics.turn_seconds.observe(time.perf_counter() - started)
        if not lock.locked():
            self._locks.pop(session.id, None)
        outcome.token = token
        self._count(outcome)
        await self._publish(outcome.stored, to_agents=outcome.status == "human")
        if outcome.stored.handoff_id:
            await self.events.handoff_opened(outcome.stored.handoff_id)
        return outcome

    def _turn_sync(self, session_id: str, text: str, lang: str | None, utc_offset: int | None = None) -> ChatOutcome:
        session = self.store.get(session_id)   # fresh state: another request may have changed it
        assistant = self.holder.current
        state = session.state
        if utc_offset is not None:
            state.utc_offset_minutes = utc_offset
        if session.status == "human":
            return self._while_human(session, text, lang)
        result = assistant.ask(text, lang=lang, state=state)
        prepared = None
        if result.action == "handoff":
            prepared = self.desk.prepare(session, result)
            result.reply = f"{result.reply}\n\n{prepared.notice}"
        stored = self.store.record_turn(session.id, result.user_text, result, state,
                                        bot_details=self._details(result),
                                        handoff=prepared.fields if prepared else None)
        session.language = state.language
        return ChatOutcome(session, None, result, stored, "human" if prepared else "bot")

    def _while_human(self, session: SessionRecord, text: str, lang: str | None) -> ChatOutcome:
        """A message while the conversation waits for or talks to a person: forwarded to the agents. While an
        urgent intake form is still asking and no agent has claimed the handoff, the form answers too and its
        record in the handoff packet grows with each answer."""
        state = session.state
        result = self.desk.continue_intake(session, lambda current: self.holder.current.intake_turn(
            text, current, lang=lang))
        if result is None:
            guarded = self.holder.current.redact(text)
            stored = self.store.record_turn(session.id, guarded.text, None, state)
            return ChatOutcome(session, None, None, stored, "human")
        stored = self.store.record_turn(session.id, result.user_text, result, state, bot_details=self._details(result))
        return ChatOutcome(session, None, result, stored, "human")

    @staticmethod
    def _details(result: TurnResult) -> dict[str, Any]:
        """What a bot message stores beside the decision: the answered entry's title and the intake step."""
        return {"title": result.title, "intake": result.intake}

    async def request_human(self, session: SessionRecord) -> dict[str, Any]:
        """The user pressed "talk to a person": open a handoff unless one is already open."""
        opened = await run_in_threadpool(self._hand_over_sync, session.id, None, "")
        assert opened is not None   # a conversation a person has already raises ConflictError
        handoff_id, message = opened
        await self._handed_over(session.id, handoff_id, message, "user_request")
        return {"handoff_id": handoff_id, "reply": message.text, "status": "human"}

    async def secret_in_file(self, session_id: str, kinds: list[str], file_message: MessageRecord) -> str | None:
        """A file held a seed phrase or private key (already removed): hand off as a security emergency, as a
        pasted one does, unless a person already has the conversation. Returns the handoff id."""
        opened = await run_in_threadpool(self._hand_over_sync, session_id, kinds, file_message.text)
        if opened is None:
            return None
        handoff_id, message = opened
        await self._handed_over(session_id, handoff_id, message, "security")
        return handoff_id

    def _hand_over_sync(self, session_id: str, secret_kinds: list[str] | None,
                        user_text: str) -> tuple[str, MessageRecord] | None:
        """Open a handoff outside a turn: the user's request (`secret_kinds` None; ConflictError when a person
        already has the conversation) or a security emergency for secrets found in a file (None then). A running
        intake form stops and its answers go with the handoff; the new state is stored with it."""
        session = self.store.get(session_id)
        if session.status == "human":
            if secret_kinds is None:
                raise ConflictError("a person is already handling or about to handle this conversation")
            return None
        state = session.state
        language = state.language or session.language or self.holder.settings.languages.default
        result = None if secret_kinds is None else TurnResult(
            action="handoff", reply="", language=language, intent="security_emergency", user_text=user_text,
            reasons=["security_emergency", "secret_in_attachment", *(f"secret_exposed:{k}" for k in secret_kinds)])
        interrupted = self.holder.current.intake.interrupt(state)
        prepared = self.desk.prepare(session, result, requested=secret_kinds is None,
                                     extra={"intake": interrupted} if interrupted else None)
        reply = f"{self.holder.current.localizer.message('handoff', language)}\n\n{prepared.notice}"
        return prepared.id, self.store.open_handoff(session_id, prepared.fields, system_text=reply, state=state)

    async def _handed_over(self, session_id: str, handoff_id: str, message: MessageRecord, reason: str) -> None:
        """Count the handoff, show its notice to the user and the agents live, and announce it."""
        self.metrics.handoffs.labels(reason).inc()
        await self.hub.publish_message(message.session_id, message.public())
        await self.events.handoff_opened(handoff_id)

    async def feedback(self, session: SessionRecord, message_id: int, helpful: bool, comment: str | None) -> int:
        """Record a verdict; "not helpful" counts as a failed turn for the handoff policy."""
        guarded_comment = None
        if comment is not None:
            try:
                guarded_comment = (await run_in_threadpool(self.holder.current.redact, comment)).text
            except InputError:   # nothing readable in it (blank, control characters): no comment
                guarded_comment = None
        feedback_id = await run_in_threadpool(self.store.add_feedback, session.id, message_id, helpful,
                                              guarded_comment)
        if not helpful:
            state = session.state
            state.consecutive_failures += 1
            await run_in_threadpool(self.store.save_state, session.id, state)
        return feedback_id

    async def post(self, session_id: str, role: str, text: str, details: dict[str, Any] | None = None) -> dict:
        """Append an agent or system message (already redacted by the caller) and deliver it live."""
        if not text.strip():
            raise InputError("text is empty")
        record = await run_in_threadpool(self.store.add_message, session_id, role, text, details)
        await self.hub.publish_message(session_id, record.public())
        return record.public()

    def _count(self, outcome: ChatOutcome) -> None:
        result = outcome.result
        if result is None:
            self.metrics.turns.labels("forwarded", outcome.session.language or "unknown").inc()
            return
        self.metrics.turns.labels(result.action, result.language).inc()
        if result.intake:
            self.metrics.intake.labels(result.intake["form"], result.intake["step"]).inc()
        if outcome.stored.handoff_id:
            self.metrics.handoffs.labels(handoff_reason(result)).inc()
        for flag in result.flags:
            self.metrics.flags.labels(flag.split(":")[0]).inc()

    async def _publish(self, stored: StoredTurn, *, to_agents: bool) -> None:
        for message in (stored.user_message, stored.bot_message):
            if message is not None:
                await self.hub.publish_message(message.session_id, message.public(), to_agents=to_agents)

