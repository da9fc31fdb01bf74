"""Operators' side: liveness, readiness, metrics, and the admin reload."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bot.errors import BotError
from bot.service.deps import require_role, services
from bot.service.schemas import ReloadOut

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "not ready; the body says what is missing"}})
async def readyz(request: Request) -> JSONResponse:
    """Models and index loaded and the database reachable."""
    svc = services(request)
    problems = []
    if not svc.holder.ready:
        problems.append("the assistant is still loading")
    if not await run_in_threadpool(svc.database.ping):
        problems.append("the database is not reachable")
    if problems:
        return JSONResponse({"status": "not ready", "detail": "; ".join(problems)}, status_code=503)
    manifest = svc.holder.current.index.manifest
    return JSONResponse({"status": "ready", "built_at": manifest.built_at, "entries": manifest.entries})


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus metrics of this instance."""
    svc = services(request)
    return Response(svc.metrics.render(), media_type=svc.metrics.content_type)


@router.post("/v1/admin/reload", response_model=ReloadOut, tags=["admin"],
             responses={401: {"description": "no admin token"}, 403: {"description": "not an admin token"},
                        422: {"description": "the knowledge base has problems; nothing was swapped"}})
async def reload(request: Request, rebuild: bool = True) -> dict:
    """Rebuild the index when the knowledge base changed (rebuild=true), then swap it in without
    interrupting requests. On a failed build the previous index keeps serving."""
    svc = services(request)
    await require_role(request, "admin")
    async with _reload_lock(request):
        try:
            result = await run_in_threadpool(svc.holder.rebuild if rebuild else svc.holder.load)
        except BotError:
            svc.metrics.reloads.labels("failed").inc()
            raise
        svc.metrics.reloads.labels("ok").inc()
        return result


def _reload_lock(request: Request) -> asyncio.Lock:
    state = request.app.state
    if not hasattr(state, "reload_lock"):
        state.reload_lock = asyncio.Lock()
    return state.reload_lock
