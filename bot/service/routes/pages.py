"""The chat page at `/`; the widget's script and styles are served from /static/."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"])
async def index() -> FileResponse:
    """The full-page chat."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


@router.api_route("/agent", methods=["GET", "HEAD"])
async def agent_console() -> FileResponse:
    """The agent console: sign in with an agent token, work the queue."""
    return FileResponse(STATIC_DIR / "agent.html", media_type="text/html; charset=utf-8")
