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
    UnsupportedMediaTypeError,
)
from bot.service.logs import request_id
from bot.service.middleware import REQUEST_ID_KEY, SECURITY_HEADERS

log = logging.getLogger("bot.service")


def status_for(error: BotError) -> int:
    """The HTTP status of a domain error."""
    if isinstance(error, AuthError):
        return error.status
    statuses: list[tuple[type[BotError], int]] = [
        (NotFoundError, 404), (ConflictError, 409), (RateLimitedError, 429), (PayloadTooLargeError, 413),
        (UnsupportedMediaTypeError, 415), (InputError, 422), (KnowledgeBaseError, 422), (IndexError_, 503)]
    return next((status for kind, status in statuses if isinstance(error, kind)), 400)


def error_body(error: BotError) -> tuple[int, dict, dict[str, str]]:
    """Status, JSON body and extra headers for a domain error."""
    headers = {}
    if isinstance(error, RateLimitedError):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, AuthError) and error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return status_for(error), {"detail": str(error)}, headers


# FastAPI's detail when reading the body fails with anything but a JSON syntax error (e.g. invalid UTF-8).
_PARSE_FAILURE = "There was an error parsing the body"
# What pydantic says when the body is valid JSON (or raw bytes) but not an object.
_NOT_AN_OBJECT = {"model_attributes_type", "dict_type", "model_type"}


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return not media or media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _describe_validation(exc: RequestValidationError, content_type: str | None = None) -> str:
    problems = []
    for item in exc.errors():
        loc = tuple(item.get("loc", ()))
        where = ".".join(str(part) for part in loc if part != "body") or "body"
        if item.get("type") == "json_invalid":
            problems.append("the body is not valid JSON (send UTF-8 encoded JSON)")
        elif loc == ("body",) and not _is_json(content_type):
            problems.append(f"send the body as JSON with 'Content-Type: application/json' (got {content_type!r})")
        elif loc == ("body",) and item.get("type") == "missing":
            problems.append("the body is missing (or null): send a JSON object")
        elif loc == ("body",) and item.get("type") in _NOT_AN_OBJECT:
            problems.append("the body must be a JSON object (got JSON that is not an object)")
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
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = _describe_validation(exc, request.headers.get("content-type"))
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request rejected"
        if exc.status_code == 400 and detail == _PARSE_FAILURE:
            cause = exc.__cause__
            if isinstance(cause, BotError):   # e.g. the body limit, hit while FastAPI read the body
                status, body, headers = error_body(cause)
                return JSONResponse(body, status_code=status, headers=headers)
            detail = ("the body is not valid UTF-8: send UTF-8 encoded JSON" if isinstance(cause, UnicodeDecodeError)
                      else "the body could not be parsed: send a JSON object encoded as UTF-8")
        elif exc.status_code == 404 and detail == "Not Found":
            detail = "no such endpoint; see /docs for the API"
        elif exc.status_code == 405:
            detail = "method not allowed on this endpoint; see /docs for the API"
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette runs this handler outermost, after ServiceMiddleware has finished: restore the request id
        # for the log line and add the headers that middleware would have added.
        rid = request.scope.get(REQUEST_ID_KEY, "-")
        token = request_id.set(rid)
        try:
            log.error("unexpected error", exc_info=exc, extra={"path": request.url.path})
        finally:
            request_id.reset(token)
        headers = {"X-Request-Id": rid} | {name.decode(): value.decode() for name, value in SECURITY_HEADERS}
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500, headers=headers)
