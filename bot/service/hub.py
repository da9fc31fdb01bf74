"""Live delivery of new transcript messages to the WebSockets watching a session."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any

log = logging.getLogger("bot.service.hub")
QUEUE_SIZE = 256
# The topic agent consoles subscribe to: new and changed handoffs, and messages of conversations people own.
AGENTS_TOPIC = "__agents__"


class LiveHub:
    """In-process fan-out: `publish(session_id, event)` reaches every subscriber of that session.

    With Redis configured, events also travel through a Redis channel so a user connected to one instance
    sees an agent message posted on another.
    """

    def __init__(self, redis_url: str | None = None, channel: str = "cryptodesk:live") -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._redis_url = redis_url
        self._channel = channel
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect to Redis (when configured) and listen for other instances' events."""
        if not self._redis_url:
            return
        import redis.asyncio as redis

        self._redis = redis.from_url(self._redis_url)
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self._channel)
        self._listener = asyncio.create_task(self._listen(pubsub))

    async def stop(self) -> None:
        """Stop listening and close the Redis connection."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()

    def subscribe(self, session_id: str) -> asyncio.Queue[dict[str, Any]]:
        """A queue receiving the session's events until `unsubscribe`."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[session_id].add(queue)
        return queue

    def unsubscribe(self, session_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop delivering to `queue`."""
        queues = self._subscribers.get(session_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                self._subscribers.pop(session_id, None)

    async def publish(self, session_id: str, event: dict[str, Any]) -> None:
        """Deliver to local subscribers, and through Redis to the other instances."""
        if self._redis is not None:
            try:
                await self._redis.publish(self._channel, json.dumps({"session_id": session_id, "event": event}))
                return   # our own listener delivers it locally too
            except Exception:   # Redis down: local delivery still works
                log.warning("redis publish failed; delivering locally only", exc_info=True)
        self._deliver(session_id, event)

    async def publish_message(self, session_id: str, message: dict[str, Any], *, to_agents: bool = True) -> None:
        """A transcript message (`MessageRecord.public()`) to the session's subscribers and the agents' feed."""
        event = {"type": "message", "session_id": session_id, "message": message}
        await self.publish(session_id, event)
        if to_agents:
            await self.publish(AGENTS_TOPIC, event)

    def _deliver(self, session_id: str, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(session_id, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:   # a stalled client loses live events; it can reload the transcript
                log.warning("live queue full for a session; dropping an event")

    async def _listen(self, pubsub) -> None:
        async for item in pubsub.listen():
            if item.get("type") != "message":
                continue
            try:
                data = json.loads(item["data"])
                self._deliver(data["session_id"], data["event"])
            except (ValueError, KeyError, TypeError):
                log.warning("ignoring a malformed live event")
