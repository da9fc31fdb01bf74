"""Request-scoped helpers shared by the routes: the app's services, client address, rate limits."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from bot.attachments.service import AttachmentService
from bot.config import Settings
from bot.handoff.webhooks import WebhookSender
from bot.service.agents import AgentService
from bot.service.canned import CannedReplies
from bot.service.chat import ChatService
from bot.service.holder import AssistantHolder
from bot.service.metrics import ServiceMetrics
from bot.service.ratelimit import RateLimiter
from bot.storage.api_tokens import Principal, TokenStore
from bot.storage.db import Database


@dataclass
class Services:
    """Everything the routes use, built once by the app factory and kept in `app.state.services`."""

    settings: Settings
    database: Database
    holder: AssistantHolder
    chat: ChatService
    tokens: TokenStore
    limiter: RateLimiter
    metrics: ServiceMetrics
    agents: AgentService
    webhooks: WebhookSender
    attachments: AttachmentService
    canned: CannedReplies


def services(request: Request) -> Services:
    """The app's services."""
    return request.app.state.services


def client_address(request: Request, trust_forwarded_for: bool) -> str:
    """The caller's address; behind a trusted proxy, the first X-Forwarded-For hop."""
    if trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def limit_ip(svc: Services, address: str) -> None:
    """Spend one request of this address's allowance (429 beyond it)."""
    svc.limiter.hit(f"ip:{address}", svc.settings.service.rate_limit.per_ip_per_minute)


def limit_session(svc: Services, session_id: str) -> None:
    """Spend one request of this session's allowance (429 beyond it)."""
    svc.limiter.hit(f"session:{session_id}", svc.settings.service.rate_limit.per_session_per_minute)


async def require_role(request: Request, role: str) -> Principal:
    """The agent or admin behind the request's Bearer token (401/403 otherwise)."""
    svc = services(request)
    return await run_in_threadpool(svc.tokens.authenticate, request.headers.get("authorization"), role)
