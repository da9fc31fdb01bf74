"""The FAQ authors' report for admins: `GET /admin/report` (HTML, or JSON with `format=json`)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from bot.service.deps import Services, require_role, services

router = APIRouter(tags=["admin"])


def _report(svc: Services, since: str | None, clusters: bool) -> dict[str, Any]:
    from bot.authoring.report import ReportOptions, build_report
    from bot.authoring.stream import parse_since

    assistant = svc.holder.current
    options = ReportOptions(since=parse_since(since), clusters=clusters,
                            batch_size=svc.settings.encoder.batch_size)
    return build_report(svc.database, encoder=assistant.encoder, index=assistant.index, options=options)


def _html(report: dict[str, Any]) -> str:
    from bot.authoring.charts import all_charts
    from bot.authoring.render import render_html

    return render_html(report, all_charts(report), stylesheet="report.css")


@router.get("/admin/report", response_model=None,
            responses={200: {"content": {"text/html": {}, "application/json": {}}},
                       401: {"description": "no admin token"}, 403: {"description": "not an admin token"},
                       422: {"description": "since is not a YYYY-MM-DD date"}})
async def admin_report(request: Request, since: str | None = None, format: Literal["html", "json"] = "html",
                       clusters: bool = True) -> Response:
    """Resolution, handoff and fallback rates per language and day, the least helpful entries and clusters of
    unanswered questions, from the stored conversations (from `since`, a UTC date, on). One report is built
    at a time; others wait for it."""
    svc = services(request)
    await require_role(request, "admin")
    async with _report_lock(request):
        report = await run_in_threadpool(_report, svc, since, clusters)
        if format == "json":
            return JSONResponse(report)
        return HTMLResponse(await run_in_threadpool(_html, report))


@router.get("/admin/report.css", include_in_schema=False)
async def report_stylesheet() -> Response:
    """The report page's stylesheet (the page's CSP allows no inline style)."""
    from bot.authoring.render import CSS

    return Response(CSS, media_type="text/css; charset=utf-8", headers={"cache-control": "max-age=3600"})


def _report_lock(request: Request) -> asyncio.Lock:
    state = request.app.state
    if not hasattr(state, "report_lock"):
        state.report_lock = asyncio.Lock()
    return state.report_lock
