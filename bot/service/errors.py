"""The one place that turns errors into HTTP responses: a status and a `detail` that says what to fix."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.errors import (
    AuthError,
    BotError,
    ConflictError,
    IndexError_,
    InputError,
    KnowledgeBaseError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
)

log = logging.getLogger("bot.service")


def status_for(error: BotError) -> int:
    """The HTTP status of a domain error."""
    if isinstance(error, AuthError):
        return error.status
    statuses: list[tuple[type[BotError], int]] = [
        (NotFoundError, 404), (ConflictError, 409), (RateLimitedError, 429), (PayloadTooLargeError, 413),
        (InputError, 422), (KnowledgeBaseError, 422), (IndexError_, 503)]
    return next((status for kind, status in statuses if isinstance(error, kind)), 400)


def error_body(error: BotError) -> tuple[int, dict, dict[str, str]]:
    """Status, JSON body and extra headers for a domain error."""
    headers = {}
    if isinstance(error, RateLimitedError):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, AuthError) and error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return status_for(error), {"detail": str(error)}, headers


def _describe_validation(exc: RequestValidationError) -> str:
    problems = []
    for item in exc.errors():
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body") or "body"
        if item.get("type") == "json_invalid":
            problems.append("the body is not valid JSON (send UTF-8 encoded JSON)")
        elif item.get("type") == "missing":
            problems.append(f"{where}: field required")
        else:
            problems.append(f"{where}: {item.get('msg', 'invalid value')}")
    return "; ".join(dict.fromkeys(problems)) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; every error leaves as `{"detail": ...}`."""

    @app.exception_handler(BotError)
    async def _bot_error(_request: Request, exc: BotError) -> JSONResponse:
        status, body, headers = error_body(exc)
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _describe_validation(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request rejected"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "no such endpoint; see /docs for the API"
        elif exc.status_code == 405:
            detail = "method not allowed on this endpoint; see /docs for the API"
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", extra={"path": request.url.path})
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
