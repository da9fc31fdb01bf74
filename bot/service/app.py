"""The app factory: `create_app(settings)` wires storage, the assistant, live delivery and the routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from bot.answers import Localizer
from bot.attachments.service import AttachmentService
from bot.attachments.storage import LocalDirectoryStorage
from bot.config import Settings
from bot.handoff.desk import HandoffDesk
from bot.handoff.routing import Router
from bot.handoff.webhooks import WebhookSender
from bot.notify.notifier import TicketNotifier
from bot.pipeline import Assistant
from bot.service.agents import AgentService
from bot.service.canned import CannedReplies
from bot.service.chat import ChatService
from bot.service.deps import Services
from bot.service.errors import install_error_handlers
from bot.service.handoff_events import HandoffEvents
from bot.service.holder import AssistantHolder
from bot.service.hub import LiveHub
from bot.service.metrics import ServiceMetrics
from bot.service.middleware import BodyLimits, ServiceMiddleware
from bot.service.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from bot.service.routes import attachments as attachment_routes
from bot.service.routes import chat, contact, ops, pages, reports
from bot.service.routes import handoffs as handoff_routes
from bot.service.routes import knowledge as knowledge_routes
from bot.service.routes.pages import STATIC_DIR
from bot.storage.api_tokens import TokenStore
from bot.storage.attachments import AttachmentStore
from bot.storage.conversations import ConversationStore
from bot.storage.db import Database
from bot.storage.handoffs import HandoffStore

log = logging.getLogger("bot.service")


def _limiter(settings: Settings) -> RateLimiter:
    if settings.service.redis_url:
        import redis

        return RedisRateLimiter(redis.Redis.from_url(settings.service.redis_url))
    return MemoryRateLimiter()


def _one_blas_thread_per_request() -> None:
    """Keep each request's matrix products on one thread.

    Requests already run in parallel on the thread pool; letting OpenBLAS start more threads for every
    encoder call oversubscribes the cores (measured: 25.6 ms of CPU per turn instead of 6.4 ms). The limit
    is set once for the process, not as a per-call context (entering that context costs far more than a
    query's encoding).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _attachments(settings: Settings, database: Database, store: ConversationStore, handoffs: HandoffStore,
                 holder: AssistantHolder) -> AttachmentService:
    """Attachments in the configured folder, redacted with the current assistant's secret scanner."""
    return AttachmentService(settings.attachments, LocalDirectoryStorage(settings.resolve(settings.attachments.dir)),
                             AttachmentStore(database), store, handoffs, lambda: holder.current.guard.scanner,
                             exchange_name=settings.brand.exchange_name, default_language=settings.languages.default)


def create_app(settings: Settings, *, assistant: Assistant | None = None, database: Database | None = None,
               migrate: bool = True) -> FastAPI:
    """The service. Construction is cheap; the lifespan migrates the database and warms the models once.

    `assistant` lets tests pass one built on a small index with a fake encoder.
    """
    database = database or Database(settings.storage.database_url)
    holder = AssistantHolder(settings, factory=(lambda: assistant) if assistant is not None else None)
    metrics = ServiceMetrics()
    hub = LiveHub(settings.service.redis_url)
    store = ConversationStore(database)
    handoffs = HandoffStore(database)
    localizer = Localizer(settings.languages, settings.brand)
    webhooks = WebhookSender(settings.handoff)
    notifier = TicketNotifier(settings, store,
                              on_outcome=lambda event, outcome: metrics.emails.labels(event, outcome).inc())
    events = HandoffEvents(handoffs, hub, webhooks, notifier)
    desk = HandoffDesk(settings, store, handoffs, localizer, attachments=AttachmentStore(database).refs)
    chat_service = ChatService(holder, store, hub, metrics, desk, events)
    services = Services(settings=settings, database=database, holder=holder, chat=chat_service,
                        tokens=TokenStore(database), limiter=_limiter(settings), metrics=metrics,
                        agents=AgentService(handoffs, chat_service, events, Router(settings.handoff), localizer),
                        webhooks=webhooks, canned=CannedReplies(holder, settings.languages),
                        attachments=_attachments(settings, database, store, handoffs, holder))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _one_blas_thread_per_request()
        if migrate:
            await run_in_threadpool(database.migrate)
        await run_in_threadpool(holder.warm_up)
        await hub.start()
        holder.start_watching(settings.service.reload_poll_seconds,
                              lambda outcome: metrics.reloads.labels(outcome).inc())
        log.info("ready", extra={"index": holder.index_identity()})
        yield
        await holder.stop_watching()
        await webhooks.close()
        await notifier.close()
        await hub.stop()
        database.dispose()

    app = FastAPI(title=f"{settings.brand.exchange_name} support assistant", version="1.0",
                  description="Multilingual FAQ answers, clarifications and handoff to people.", lifespan=lifespan)
    app.state.services = services
    install_error_handlers(app)
    app.include_router(chat.router)
    app.include_router(attachment_routes.router)
    app.include_router(contact.router)
    app.include_router(handoff_routes.router)
    app.include_router(knowledge_routes.router)
    app.include_router(ops.router)
    app.include_router(pages.router)
    app.include_router(reports.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if settings.service.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.service.cors_origins,
                           allow_methods=["GET", "POST", "PUT", "DELETE"], max_age=600,
                           expose_headers=["Retry-After", "X-Request-Id"],
                           allow_headers=["Content-Type", "X-Session-Token", "Authorization", "X-Request-Id"])
    app.add_middleware(ServiceMiddleware, limits=BodyLimits.from_settings(settings), metrics=metrics)
    return app
