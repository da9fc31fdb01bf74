"""The user's side: chat turns, transcript, feedback, asking for a person, and the live WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from fastapi import APIRouter, Header, Query, Request, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from bot.errors import BotError, InputError
from bot.pipeline import clean_text
from bot.service.deps import Services, client_address, limit_ip, limit_session, services
from bot.service.errors import error_body
from bot.service.schemas import (
    MAX_ID,
    ChatIn,
    ChatOut,
    FeedbackIn,
    FeedbackOut,
    HandoffRequestIn,
    HandoffRequestOut,
    TranscriptOut,
)
from bot.storage.conversations import SessionRecord, UserInfo

router = APIRouter(prefix="/v1", tags=["chat"])
TOKEN_HEADER = Header(default=None, alias="X-Session-Token", description="The session_token of the session")
AUTH_TIMEOUT_SECONDS = 10
AFTER_ID = Query(default=0, le=MAX_ID, description="Only the messages with a larger id (0: the whole transcript)")
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text} for code, text in [(403, "wrong or missing session token"),
                                                   (404, "unknown session"), (413, "body too large"),
                                                   (422, "invalid input"), (429, "rate limited")]}


async def _session(svc: Services, session_id: str, token: str | None) -> SessionRecord:
    return await svc.chat.authenticate(session_id, token)


@router.post("/chat", response_model=ChatOut, responses=ERROR_RESPONSES)
async def chat(body: ChatIn, request: Request, x_session_token: str | None = TOKEN_HEADER) -> dict:
    """Send one message; without `session_id` a new session is opened and its token returned once."""
    svc = services(request)
    limit_ip(svc, client_address(request, svc.settings.service.trust_forwarded_for))
    token = None
    _validate_lang(svc, body.lang)   # here too for turns the bot does not answer (a person owns the session)
    if body.session_id is None:
        user = (UserInfo(body.user.uid, body.user.tier, body.user.email)   # type: ignore[arg-type]
                if body.user else None)
        clean_text(body.text)   # reject bad input before a session is created for it
        session, token = await svc.chat.open_session(user)
    else:
        session = await _session(svc, body.session_id, x_session_token)
    limit_session(svc, session.id)
    outcome = await svc.chat.turn(session, body.text, body.lang, token=token, utc_offset=body.utc_offset_minutes)
    return outcome.to_dict()


def _validate_lang(svc: Services, lang: str | None) -> None:
    from bot.kb.languages import normalise_language

    supported = svc.settings.languages.supported
    if lang and normalise_language(lang) not in supported:
        raise InputError(f"unsupported lang {lang!r}; use one of {supported}")


@router.get("/sessions/{session_id}/messages", response_model=TranscriptOut, responses=ERROR_RESPONSES)
async def transcript(session_id: str, request: Request, after_id: int = AFTER_ID,
                     x_session_token: str | None = TOKEN_HEADER) -> dict:
    """The conversation as the user sees it (user, bot, agent and system messages), oldest first."""
    svc = services(request)
    session = await _session(svc, session_id, x_session_token)
    messages = await run_in_threadpool(svc.chat.store.messages, session_id, after_id=max(after_id, 0))
    return {"session_id": session_id, "status": session.status, "messages": [m.public() for m in messages]}


@router.post("/sessions/{session_id}/feedback", status_code=201, response_model=FeedbackOut,
             responses=ERROR_RESPONSES)
async def feedback(session_id: str, body: FeedbackIn, request: Request,
                   x_session_token: str | None = TOKEN_HEADER) -> dict:
    """Helpful or not on one bot answer; a second verdict replaces the first."""
    svc = services(request)
    session = await _session(svc, session_id, x_session_token)
    limit_session(svc, session.id)
    return {"id": await svc.chat.feedback(session, body.message_id, body.helpful, body.comment)}


@router.post("/sessions/{session_id}/handoff", response_model=HandoffRequestOut, responses=ERROR_RESPONSES)
async def request_human(session_id: str, request: Request, body: HandoffRequestIn | None = None,
                        x_session_token: str | None = TOKEN_HEADER) -> dict:
    """The "talk to a person" button: queue the conversation for an agent with its full context."""
    svc = services(request)
    session = await _session(svc, session_id, x_session_token)
    limit_session(svc, session.id)
    opened = await svc.chat.request_human(session)
    record = await run_in_threadpool(svc.agents.handoffs.get, opened["handoff_id"])
    return opened | {"ticket": record.ticket}


@router.websocket("/ws/{session_id}")
async def live(websocket: WebSocket, session_id: str, token: str | None = None) -> None:
    """Live channel: send `{"type": "message", "text": ...}`, receive every new message of the session.

    The token comes as the `token` query parameter or in a first `{"type": "auth", "token": ...}` message.
    """
    svc: Services = websocket.app.state.services
    # Subscribe before accepting, so nothing posted once the socket is open can be missed; the queue is only
    # forwarded after the token checks out (and dropped when it does not).
    queue = svc.chat.hub.subscribe(session_id)
    sender: asyncio.Task[None] | None = None
    try:
        await websocket.accept()
        try:
            if token is None:
                token = await _first_message_token(websocket)
            session = await _session(svc, session_id, token)
        except (BotError, TimeoutError) as exc:
            if isinstance(exc, BotError):
                status, body, _ = error_body(exc)
            else:
                status, body = 408, {"detail": f"no auth message within {AUTH_TIMEOUT_SECONDS} s"}
            await websocket.send_json({"type": "error", "status": status, **body})
            await websocket.close(code=4000 + status)
            return
        sender = asyncio.create_task(_forward(websocket, queue))
        while True:
            raw = await _receive_frame(websocket)
            await _handle_client_message(websocket, svc, session, raw)
    except WebSocketDisconnect:
        pass
    finally:
        svc.chat.hub.unsubscribe(session_id, queue)
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender


async def _receive_frame(websocket: WebSocket) -> str:
    """The next frame as text: binary frames are decoded as UTF-8 (undecodable ones become '', an error)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    if message.get("text") is not None:
        return message["text"]
    try:
        return (message.get("bytes") or b"").decode("utf-8")
    except UnicodeDecodeError:
        return ""


async def _first_message_token(websocket: WebSocket) -> str:
    raw = await asyncio.wait_for(_receive_frame(websocket), AUTH_TIMEOUT_SECONDS)
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError):
        raise InputError('the first message must be {"type": "auth", "token": "..."}') from None
    if not isinstance(message, dict) or message.get("type") != "auth" or not isinstance(message.get("token"), str):
        raise InputError('the first message must be {"type": "auth", "token": "..."}')
    return message["token"]


async def _handle_client_message(websocket: WebSocket, svc: Services, session: SessionRecord, raw: str) -> None:
    try:
        if len(raw.encode("utf-8", "replace")) > svc.settings.service.max_body_bytes:
            raise InputError(f"message is over {svc.settings.service.max_body_bytes} bytes")
        try:
            message = json.loads(raw)
        except (ValueError, RecursionError):
            raise InputError('send JSON: {"type": "message", "text": "..."}') from None
        if not isinstance(message, dict) or message.get("type") != "message":
            raise InputError('send JSON: {"type": "message", "text": "..."}')
        text, lang = message.get("text"), message.get("lang")
        if not isinstance(text, str) or (lang is not None and not isinstance(lang, str)):
            raise InputError("text must be a string (and lang, when given, a language code)")
        limit_ip(svc, _socket_address(websocket, svc.settings.service.trust_forwarded_for))
        limit_session(svc, session.id)
        outcome = await svc.chat.turn(session, text, lang)
        await websocket.send_json({"type": "turn", "turn": outcome.to_dict()})
    except BotError as exc:
        status, body, _ = error_body(exc)
        await websocket.send_json({"type": "error", "status": status, **body})


def _socket_address(websocket: WebSocket, trust_forwarded_for: bool) -> str:
    """The client address as `client_address` finds it for HTTP requests (the proxy's X-Forwarded-For when trusted)."""
    if trust_forwarded_for:
        forwarded = websocket.headers.get("x-forwarded-for", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return websocket.client.host if websocket.client else "unknown"


async def _forward(websocket: WebSocket, queue: asyncio.Queue) -> None:
    while True:
        event = await queue.get()
        await websocket.send_json(event)
