"""The announcer behind the actions: one `HandoffEvents` per event loop, built once, failures kept away from the
action, and closed by the action server's shutdown listener. Default settings: no Redis, webhooks or e-mail."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.plugin import plugin_manager

from bot.actions import ActionHandoffToHuman
from bot.actions.announce import PLUGIN_NAME, HandoffAnnouncer, ShutdownPlugin, announcer, build_events
from bot.actions.human import hand_over
from bot.actions.payloads import RasaConversation
from bot.actions.runtime import ActionRuntime
from bot.actions.tracker import session_id_for
from bot.service.handoff_events import HandoffEvents
from bot.service.hub import AGENTS_TOPIC


def new_handoff() -> str:
    """A handoff opened by the action's blocking part (nothing announced yet)."""
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("talk to an agent", intent="request_human")
    tracker = Tracker.from_dict(conversation.tracker())
    opened = hand_over(tracker, session_id_for(tracker, "test")).opened
    assert opened is not None
    return opened


def test_concurrent_first_announcements_share_one_build(runtime):
    builds: list[HandoffEvents] = []

    async def counting(given: ActionRuntime) -> HandoffEvents:
        await asyncio.sleep(0.05)   # let every caller arrive while the first build is under way
        builds.append(await build_events(given))
        return builds[-1]

    async def scenario() -> list[HandoffEvents]:
        local = HandoffAnnouncer(build=counting)
        try:
            return list(await asyncio.gather(*(local.events(runtime) for _ in range(8))))
        finally:
            await local.close()

    shared = asyncio.run(scenario())
    assert len(builds) == 1 and all(events is builds[0] for events in shared)


def test_a_failed_start_is_logged_never_raised_and_retried(runtime, caplog):
    attempts: list[int] = []
    handoff_id = new_handoff()

    async def flaky(given: ActionRuntime) -> HandoffEvents:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("redis unreachable")
        return await build_events(given)

    async def scenario() -> dict[str, Any]:
        local = HandoffAnnouncer(build=flaky)
        await local.handoff_opened(handoff_id)   # the failure stays inside the announcer
        events = await local.events(runtime)
        console = events.hub.subscribe(AGENTS_TOPIC)
        await local.handoff_opened(handoff_id)
        await local.close()
        return console.get_nowait()

    event = asyncio.run(scenario())
    assert len(attempts) == 2 and event["handoff"]["id"] == handoff_id
    [failure] = [r for r in caplog.records if r.name == "bot.actions.announce"]
    assert failure.levelno == logging.ERROR and getattr(failure, "handoff_id", None) == handoff_id


def test_a_slow_start_does_not_hold_the_action_and_shutdown_gives_up_on_it(runtime):
    handoff_id = new_handoff()

    async def stuck(given: ActionRuntime) -> HandoffEvents:
        await asyncio.Event().wait()   # e.g. connecting to a Redis that never answers
        raise AssertionError("unreachable")

    async def scenario() -> tuple[float, float]:
        local = HandoffAnnouncer(build=stuck)
        started = time.monotonic()
        await local.handoff_opened(handoff_id, wait=0.2)
        replied = time.monotonic() - started
        await local.close(grace=0.2)
        return replied, time.monotonic() - started

    replied, closed = asyncio.run(scenario())
    assert replied < 1.0 and closed < 3.0


def test_without_redis_the_live_event_reaches_consoles_of_the_same_process(runtime):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("I need a human", intent="request_human")

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        console = (await announcer.events(runtime)).hub.subscribe(AGENTS_TOPIC)
        try:
            events = await ActionHandoffToHuman().run(CollectingDispatcher(), Tracker.from_dict(conversation.tracker()),
                                                      {})
            return events, await asyncio.wait_for(console.get(), 5)
        finally:
            await announcer.close()

    events, live = asyncio.run(scenario())
    [handoff_id] = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "handoff_id"]
    assert live["type"] == "handoff" and live["event"] == "opened" and live["handoff"]["id"] == handoff_id
    assert live["handoff"]["status"] == "queued"


def test_the_action_server_closes_the_events_when_it_stops():
    class App:
        def __init__(self) -> None:
            self.listeners: list[tuple[Any, str]] = []

        def register_listener(self, listener: Any, event: str) -> None:
            self.listeners.append((listener, event))

    app = App()
    ShutdownPlugin().attach_sanic_app_extensions(app)   # type: ignore[arg-type]
    assert [event for _, event in app.listeners] == ["after_server_stop"]
    assert plugin_manager().get_plugin(PLUGIN_NAME) is not None   # importing bot.actions installed it
