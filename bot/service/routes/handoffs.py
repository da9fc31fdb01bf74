"""The agent API: the handoff queue and everything an agent does with a conversation (Bearer tokens)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from bot.errors import BotError
from bot.pipeline import MAX_TEXT_CHARS
from bot.service.deps import require_role, services
from bot.service.errors import error_body
from bot.service.hub import AGENTS_TOPIC

router = APIRouter(prefix="/v1", tags=["agents"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text} for code, text in [
        (401, "missing, unknown or revoked token"), (403, "not an agent token"), (404, "unknown handoff"),
        (409, "claimed by someone else, not claimed by you, or already resolved"), (422, "invalid input")]}


class AgentMessageIn(BaseModel):
    """An agent's reply to the user."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


class TransferIn(BaseModel):
    """The team to pass the conversation to."""

    model_config = ConfigDict(extra="forbid")

    team: str = Field(min_length=1, max_length=64)


@router.get("/handoffs", responses=RESPONSES)
async def list_handoffs(request: Request, status: str = "queued", team: str | None = None,
                        kind: str | None = None) -> dict:
    """The queue (status=queued, highest priority then longest waiting first), or claimed/resolved
    handoffs; each item carries its context packet. `kind` = live or ticket."""
    await require_role(request, "agent")
    items = await services(request).agents.queue(status, team, kind)
    return {"status": status, "handoffs": items}


@router.get("/handoffs/{handoff_id}", responses=RESPONSES)
async def get_handoff(handoff_id: str, request: Request) -> dict:
    """One handoff with its packet and the conversation's transcript so far."""
    await require_role(request, "agent")
    return await services(request).agents.detail(handoff_id)


@router.post("/handoffs/{handoff_id}/claim", responses=RESPONSES)
async def claim(handoff_id: str, request: Request) -> dict:
    """Take the conversation; exactly one agent wins, every other claim gets 409."""
    agent = await require_role(request, "agent")
    return await services(request).agents.claim(handoff_id, agent)


@router.post("/handoffs/{handoff_id}/messages", status_code=201, responses=RESPONSES)
async def reply(handoff_id: str, body: AgentMessageIn, request: Request) -> dict:
    """Send the user a message (delivered live and kept in the transcript)."""
    agent = await require_role(request, "agent")
    return await services(request).agents.reply(handoff_id, agent, body.text)


@router.post("/handoffs/{handoff_id}/resolve", responses=RESPONSES)
async def resolve(handoff_id: str, request: Request) -> dict:
    """Close the case; the bot answers the user again."""
    agent = await require_role(request, "agent")
    return await services(request).agents.resolve(handoff_id, agent)


@router.post("/handoffs/{handoff_id}/transfer", responses=RESPONSES)
async def transfer(handoff_id: str, body: TransferIn, request: Request) -> dict:
    """Pass the conversation to another team's queue."""
    agent = await require_role(request, "agent")
    return await services(request).agents.transfer(handoff_id, agent, body.team)


@router.websocket("/agent/ws")
async def agent_live(websocket: WebSocket, token: str | None = None) -> None:
    """Live feed for consoles: handoffs opened/claimed/resolved/transferred and messages of conversations
    people own. Authenticate with the `token` query parameter."""
    svc = websocket.app.state.services
    await websocket.accept()
    try:
        await run_in_threadpool(svc.tokens.authenticate, f"Bearer {token or ''}", "agent")
    except BotError as exc:
        status, body, _ = error_body(exc)
        await websocket.send_json({"type": "error", "status": status, **body})
        await websocket.close(code=4000 + status)
        return
    queue = svc.chat.hub.subscribe(AGENTS_TOPIC)

    async def forward() -> None:
        while True:
            await websocket.send_json(await queue.get())

    sender = asyncio.create_task(forward())
    try:
        while True:
            await websocket.receive_text()   # consoles only listen; anything they send is ignored
    except WebSocketDisconnect:
        pass
    finally:
        svc.chat.hub.unsubscribe(AGENTS_TOPIC, queue)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
