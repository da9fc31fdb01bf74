"""Attachments: the user uploads and reads back the files of their conversation; agents download the files
of the conversation behind a handoff. Files leave with headers that keep browsers from running them."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from bot.attachments.names import content_disposition
from bot.attachments.sniff import TYPES
from bot.errors import InputError
from bot.security.secrets import CRITICAL_KINDS
from bot.service.attachment_schemas import AttachmentListOut, UploadOut
from bot.service.deps import limit_session, require_role, services
from bot.service.middleware import BodyLimits
from bot.service.routes.chat import TOKEN_HEADER
from bot.storage.attachments import AttachmentRecord

router = APIRouter(prefix="/v1", tags=["attachments"])
FIELD = "file"
CLEANING_SLOTS = 2   # files cleaned at once per process
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text} for code, text in [
        (401, "missing agent token"), (403, "wrong session or agent token"), (404, "unknown session, handoff or file"),
        (413, "file too large, too many pixels, or too many files in the conversation"),
        (415, "not a PNG, JPEG, PDF or text file"), (422, "empty, damaged or unsafe file, or no file sent"),
        (429, "rate limited")]}
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": [FIELD],
    "properties": {FIELD: {"type": "string", "format": "binary",
                           "description": "a PNG or JPEG image, a PDF, or a UTF-8/UTF-16 text file"}}}}}}}
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "the file as stored (cleaned), to be saved rather than shown",
    "content": {kind.content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for kind in TYPES}}}


def _cleaning_limiter() -> anyio.CapacityLimiter:
    """The running event loop's limit on files being cleaned at once. Decoding a large screenshot holds a few
    hundred MB and scanning a log seconds of CPU: uploads beyond the limit wait without holding a worker thread
    of the shared pool, so a burst of them neither exhausts memory nor stalls other requests."""
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = anyio.CapacityLimiter(CLEANING_SLOTS)
    return limiter


async def _read_upload(request: Request) -> tuple[str | None, bytes]:
    """The name and bytes of the one file in the multipart body's `file` field."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise InputError(f"no file: send it as multipart/form-data in a field named {FIELD!r}")
    parser = MultiPartParser(request.headers, request.stream(), max_files=1, max_fields=8)
    # The raw upload (GPS positions, secrets) stays in memory up to the body limit, never in a temporary file.
    limits = BodyLimits.from_settings(services(request).settings)
    parser.spool_max_size, _ = limits.for_request("POST", request.url.path)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InputError(f"the body is not valid multipart/form-data ({exc.message}): send one file in a form "
                         f"field named {FIELD!r}") from None
    try:
        upload = form.get(FIELD)
        if upload is None:
            raise InputError(f"no file: send it as multipart/form-data in a field named {FIELD!r}")
        if not isinstance(upload, UploadFile):
            raise InputError(f"the {FIELD!r} field holds text, not a file: send the file itself (with a file name)")
        # Browsers send a double quote in a multipart file name as %22 (the HTML form-data encoding).
        name = upload.filename.replace("%22", '"') if upload.filename else None
        return name, await upload.read()
    finally:
        await form.close()


def _file_response(record: AttachmentRecord, data: bytes) -> Response:
    """The bytes with their stored type, as a download, in a sandbox even if a browser opens them."""
    return Response(content=data, media_type=record.content_type, headers={
        "Content-Disposition": content_disposition(record.filename),
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store"})


@router.post("/sessions/{session_id}/attachments", status_code=201, response_model=UploadOut, responses=ERRORS,
             openapi_extra=UPLOAD_BODY)
async def upload(session_id: str, request: Request, x_session_token: str | None = TOKEN_HEADER) -> dict:
    """Send a screenshot or log (multipart field `file`): its type is read from the content; images lose their
    metadata, text loses any secret in it; the file is noted in the transcript."""
    svc = services(request)
    session = await svc.chat.authenticate(session_id, x_session_token)
    limit_session(svc, session.id)
    filename, data = await _read_upload(request)
    accepted = await anyio.to_thread.run_sync(svc.attachments.accept, session.id, data, filename,
                                              limiter=_cleaning_limiter())
    await svc.chat.hub.publish_message(session.id, accepted.message.public(), to_agents=accepted.handoff_open)
    critical = sorted(CRITICAL_KINDS.intersection(accepted.secrets))
    if critical:   # a seed phrase or key in a log: as urgent as a pasted one
        await svc.chat.secret_in_file(session.id, critical, accepted.message)
    return accepted.public()


@router.get("/sessions/{session_id}/attachments", response_model=AttachmentListOut, responses=ERRORS)
async def list_attachments(session_id: str, request: Request, x_session_token: str | None = TOKEN_HEADER) -> dict:
    """The conversation's files, oldest first."""
    svc = services(request)
    session = await svc.chat.authenticate(session_id, x_session_token)
    return {"session_id": session.id, "attachments": await run_in_threadpool(svc.attachments.list, session.id)}


@router.get("/sessions/{session_id}/attachments/{attachment_id}", response_class=Response,
            responses=ERRORS | FILE_RESPONSE)
async def download(session_id: str, attachment_id: str, request: Request,
                   x_session_token: str | None = TOKEN_HEADER) -> Response:
    """One of the conversation's files, as stored."""
    svc = services(request)
    session = await svc.chat.authenticate(session_id, x_session_token)
    record, data = await run_in_threadpool(svc.attachments.open_for_user, session.id, attachment_id)
    return _file_response(record, data)


@router.get("/handoffs/{handoff_id}/attachments/{attachment_id}", response_class=Response,
            responses=ERRORS | FILE_RESPONSE)
async def agent_download(handoff_id: str, attachment_id: str, request: Request) -> Response:
    """A file of the handoff's conversation, for agents (Bearer token)."""
    await require_role(request, "agent")
    record, data = await run_in_threadpool(services(request).attachments.open_for_agent, handoff_id, attachment_id)
    return _file_response(record, data)
