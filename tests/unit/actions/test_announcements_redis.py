"""With `service.redis_url` set, a handoff opened through Rasa reaches the consoles of other processes: a second
`LiveHub` (as the web service runs one) hears of it through Redis pub/sub. Needs Redis at 127.0.0.1:6379."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import ActionFaqAnswer, ActionHandoffToHuman
from bot.actions.announce import announcer
from bot.actions.payloads import RasaConversation
from bot.actions.runtime import ActionRuntime, configure, get_runtime
from bot.build import build_index
from bot.service.hub import AGENTS_TOPIC, LiveHub
from tests.conftest import make_settings
from tests.unit.service import REDIS_URL, require_redis


@pytest.fixture(scope="module")
def runtime(tmp_path_factory) -> Iterator[ActionRuntime]:
    """The actions' runtime publishing live events through the test Redis (the module skips without it)."""
    require_redis().close()
    folder = tmp_path_factory.mktemp("rasa_redis")
    settings = make_settings(folder, encoder__backend="hashing", service__redis_url=REDIS_URL,
                             storage__database_url=f"sqlite:///{folder / 'actions.db'}")
    build_index(settings, progress=False, intents_dir=None)
    configure(settings)
    yield get_runtime()
    configure()


def test_the_opened_event_reaches_another_process_console_through_redis(runtime):
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("I need a human", intent="request_human")

    async def scenario() -> tuple[str, dict[str, Any]]:
        console_hub = LiveHub(REDIS_URL)   # stands for the web service: it shares nothing with the actions but Redis
        await console_hub.start()
        console = console_hub.subscribe(AGENTS_TOPIC)
        try:
            events = await ActionHandoffToHuman().run(CollectingDispatcher(), Tracker.from_dict(conversation.tracker()),
                                                      {})
            [handoff_id] = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "handoff_id"]
            while True:   # other tests may share the channel: wait for this handoff's event
                event = await asyncio.wait_for(console.get(), 10)
                if event.get("type") == "handoff" and event["handoff"]["id"] == handoff_id:
                    return handoff_id, event
        finally:
            await announcer.close()
            await console_hub.stop()

    handoff_id, event = asyncio.run(scenario())
    assert event["event"] == "opened" and event["handoff"]["session_id"] == runtime.handoffs.get(handoff_id).session_id


def test_a_message_forwarded_to_the_agent_reaches_the_consoles_through_redis(runtime):
    """While an agent has the conversation, the user's message is stored for them and published live, as the web
    chat publishes it."""
    conversation = RasaConversation(f"web-{uuid.uuid4().hex[:8]}").user("I need a human", intent="request_human")

    async def scenario() -> dict[str, Any]:
        console_hub = LiveHub(REDIS_URL)
        await console_hub.start()
        console = console_hub.subscribe(AGENTS_TOPIC)
        try:
            events = await ActionHandoffToHuman().run(CollectingDispatcher(), Tracker.from_dict(conversation.tracker()),
                                                      {})
            conversation.action("action_handoff_to_human", events).user("are you there? my order id is 7781")
            await ActionFaqAnswer().run(CollectingDispatcher(), Tracker.from_dict(conversation.tracker()), {})
            while True:
                event = await asyncio.wait_for(console.get(), 10)
                if event.get("type") == "message" and "7781" in event["message"]["text"]:
                    return event
        finally:
            await announcer.close()
            await console_hub.stop()

    event = asyncio.run(scenario())
    assert event["message"]["role"] == "user"
    assert runtime.conversations.messages(event["session_id"])[-1].text == event["message"]["text"]
