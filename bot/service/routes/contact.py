"""The user's contact address for ticket updates: set it (PUT) or remove it (DELETE), with the session token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.notify.addresses import mask_address
from bot.service.deps import limit_session, services
from bot.service.routes.chat import ERROR_RESPONSES, TOKEN_HEADER
from bot.service.schemas import ContactIn, ContactOut

router = APIRouter(prefix="/v1", tags=["chat"])


@router.put("/sessions/{session_id}/contact", response_model=ContactOut, responses=ERROR_RESPONSES)
async def set_contact(session_id: str, body: ContactIn, request: Request,
                      x_session_token: str | None = TOKEN_HEADER) -> dict:
    """E-mail me updates: ticket opened, answered, closed. A new address while a ticket is open also gets its
    confirmation (number and promised reply time)."""
    svc = services(request)
    session = await svc.chat.authenticate(session_id, x_session_token)
    limit_session(svc, session.id)
    previous = await run_in_threadpool(svc.chat.store.set_contact_email, session.id, body.email)
    if previous != body.email:
        await svc.chat.events.contact_added(session.id)
    return {"session_id": session.id, "email": mask_address(body.email)}


@router.delete("/sessions/{session_id}/contact", status_code=204, response_class=Response,
               responses=ERROR_RESPONSES)
async def remove_contact(session_id: str, request: Request, x_session_token: str | None = TOKEN_HEADER) -> Response:
    """Stop e-mailing this session's updates; e-mails not yet sent are not sent."""
    svc = services(request)
    session = await svc.chat.authenticate(session_id, x_session_token)
    limit_session(svc, session.id)
    await run_in_threadpool(svc.chat.store.set_contact_email, session.id, None)
    return Response(status_code=204)
