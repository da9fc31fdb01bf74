"""Telling the rest of the desk about handoffs the Rasa actions open, exactly as the web service does.

A handoff opened by an action goes through the web service's `HandoffEvents`: the agents' live topic (across
processes through Redis when `service.redis_url` is set), the helpdesk webhooks and the ticket e-mail. Those
objects spawn background tasks and hold a Redis connection, so they belong to one event loop: they are built
lazily on the loop that runs the action (the action server's, once per process) and closed when that server
stops (`install()` adds the shutdown listener through rasa_sdk's plugin hook).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import pluggy
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic

from bot.actions.reply import ActionReply
from bot.actions.runtime import ActionRuntime, get_runtime
from bot.background import settle
from bot.handoff.webhooks import WebhookSender
from bot.notify.notifier import TicketNotifier
from bot.service.handoff_events import HandoffEvents
from bot.service.hub import LiveHub

log = logging.getLogger("bot.actions.announce")
hookimpl = pluggy.HookimplMarker("rasa_sdk")
PLUGIN_NAME = "cryptodesk-handoff-events"
# How long an action waits for its announcement before replying anyway (it carries on in the background).
ANNOUNCE_WAIT_SECONDS = 5.0
# How long a stopping server lets announcements still running finish.
CLOSE_GRACE_SECONDS = 5.0


async def build_events(runtime: ActionRuntime) -> HandoffEvents:
    """The runtime's `HandoffEvents`, connected to Redis when configured (call on the loop that will use it)."""
    settings = runtime.settings
    hub = LiveHub(settings.service.redis_url)
    try:
        await hub.start()
    except BaseException:
        await hub.stop()
        raise
    # Built in a thread: the notifier reads its e-mail templates from disk.
    notifier = await asyncio.to_thread(TicketNotifier, settings, runtime.conversations)
    return HandoffEvents(runtime.handoffs, hub, WebhookSender(settings.handoff), notifier)


async def close_events(events: HandoffEvents) -> None:
    """Let webhook deliveries and e-mails finish (briefly), then stop listening to Redis."""
    await events.webhooks.close()
    if events.notifier is not None:
        await events.notifier.close()
    await events.hub.stop()


@dataclass
class _LoopEvents:
    """The events of one event loop, built for one runtime (`configure()` may replace the runtime)."""

    runtime: ActionRuntime
    ready: asyncio.Task[HandoffEvents]


class HandoffAnnouncer:
    """Announces the handoffs actions open, through one `HandoffEvents` per event loop and runtime.

    Announcements run as tasks kept here, so neither an action returning nor a client hanging up loses them;
    a failure is logged and never reaches the action (the handoff is already stored, and the agents' queue
    lists it). A failed start (e.g. Redis unreachable) is retried on the next announcement.
    """

    def __init__(self, build: Callable[[ActionRuntime], Coroutine[Any, Any, HandoffEvents]] = build_events) -> None:
        self._build = build
        self._loops: dict[asyncio.AbstractEventLoop, _LoopEvents] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def handoff_opened(self, handoff_id: str, wait: float = ANNOUNCE_WAIT_SECONDS) -> None:
        """Announce a new handoff or ticket; returns when done or after `wait` seconds, whichever is first."""
        task = self._keep(asyncio.get_running_loop().create_task(self._announce(handoff_id)))
        await asyncio.wait({task}, timeout=wait)

    async def messages_forwarded(self, session_id: str, messages: list[dict[str, Any]],
                                 wait: float = ANNOUNCE_WAIT_SECONDS) -> None:
        """Publish messages stored for the agent who has the conversation to the session's and agents' topics,
        as the web chat does; returns when done or after `wait` seconds."""
        task = self._keep(asyncio.get_running_loop().create_task(self._publish(session_id, messages)))
        await asyncio.wait({task}, timeout=wait)

    async def events(self, runtime: ActionRuntime) -> HandoffEvents:
        """The running loop's events for `runtime`, built on first use (concurrent callers share one build)."""
        loop = asyncio.get_running_loop()
        for closed in [other for other in self._loops if other.is_closed()]:
            del self._loops[closed]   # their tasks ended with their loop (only tests use several loops)
        entry = self._loops.get(loop)
        if entry is not None and entry.runtime is not runtime:
            del self._loops[loop]
            self._keep(loop.create_task(self._retire(entry)))
            entry = None
        if entry is None:
            entry = _LoopEvents(runtime, loop.create_task(self._build(runtime)))
            self._loops[loop] = entry
        try:
            return await asyncio.shield(entry.ready)
        except Exception:
            if self._loops.get(loop) is entry:
                del self._loops[loop]
            raise

    async def close(self, grace: float = CLOSE_GRACE_SECONDS) -> None:
        """On the loop being shut down: let its announcements finish (within `grace`), then close its events."""
        loop = asyncio.get_running_loop()
        cancelled = await settle((task for task in self._tasks if task.get_loop() is loop), grace)
        if cancelled:
            log.warning("handoff announcements cancelled at shutdown", extra={"count": cancelled})
        entry = self._loops.pop(loop, None)
        if entry is not None:
            await self._retire(entry)
            log.info("handoff events closed")

    async def _announce(self, handoff_id: str) -> None:
        try:
            runtime = await asyncio.to_thread(get_runtime)   # already started by the action: returns at once
            events = await self.events(runtime)
            await events.handoff_opened(handoff_id)
        except Exception:
            log.exception("a handoff opened through Rasa could not be announced", extra={"handoff_id": handoff_id})

    async def _publish(self, session_id: str, messages: list[dict[str, Any]]) -> None:
        try:
            events = await self.events(await asyncio.to_thread(get_runtime))
            for message in messages:
                await events.hub.publish_message(session_id, message)
        except Exception:
            log.exception("a message forwarded through Rasa could not be published", extra={"session_id": session_id})

    async def _retire(self, entry: _LoopEvents) -> None:
        if not entry.ready.done():   # still connecting (e.g. to an unresponsive Redis): give up on it
            entry.ready.cancel()
            await asyncio.wait({entry.ready}, timeout=1.0)
            return
        if not entry.ready.cancelled() and entry.ready.exception() is None:
            await close_events(entry.ready.result())

    def _keep(self, task: asyncio.Task[None]) -> asyncio.Task[None]:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


announcer = HandoffAnnouncer()


async def announce_reply(reply: ActionReply) -> None:
    """Announce what an action's reply opened or forwarded (process-wide announcer)."""
    if reply.opened is not None:
        await announcer.handoff_opened(reply.opened)
    if reply.forwarded:
        await announcer.messages_forwarded(reply.session_id, reply.forwarded)


class ShutdownPlugin:
    """The rasa_sdk plugin that closes the announcer's events when the action server stops."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        """Called by rasa_sdk for every app it creates (the primary process and each worker)."""
        # After the server stops: requests have finished, so no new announcement starts, and the loop still runs.
        app.register_listener(_close_on_stop, "after_server_stop")


async def _close_on_stop(app: Sanic) -> None:
    await announcer.close()


def install() -> None:
    """Register the shutdown plugin with rasa_sdk's plugin manager (once per process)."""
    manager = plugin_manager()
    if manager.get_plugin(PLUGIN_NAME) is None:
        manager.register(ShutdownPlugin(), name=PLUGIN_NAME)
