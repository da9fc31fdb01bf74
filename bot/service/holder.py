"""The served assistant, swapped atomically when the index is rebuilt or republished."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from bot.pipeline import Assistant

log = logging.getLogger("bot.service.reload")


class AssistantHolder:
    """Holds the current `Assistant`. A reload warms a new one aside, then swaps the reference.

    Requests already running keep the assistant they started with, so a swap never fails or drops one.
    """

    def __init__(self, settings: Settings, factory: Callable[[], Assistant] | None = None) -> None:
        self.settings = settings
        self._factory = factory or (lambda: Assistant(settings))
        self._current: Assistant | None = None
        self._loaded_from: str | None = None
        self._failed: str | None = None   # a published build that failed to load; not retried
        self._lock = threading.Lock()   # one reload at a time
        self._watcher: asyncio.Task[None] | None = None

    @property
    def current(self) -> Assistant:
        """The assistant to use for the next turn."""
        if self._current is None:
            raise RuntimeError("the assistant is not warmed up yet")
        return self._current

    @property
    def ready(self) -> bool:
        """True once an assistant is loaded."""
        return self._current is not None

    def index_identity(self) -> str:
        """Where the index directory points now (the published build folder)."""
        return os.path.realpath(self.settings.resolve(self.settings.index.dir))

    def warm_up(self) -> None:
        """Load the first assistant."""
        if self._current is None:
            self.load()

    def load(self) -> dict[str, str]:
        """Warm a new assistant from the published index and swap it in."""
        with self._lock:
            identity = self.index_identity()
            assistant = self._factory()
            assistant.warm_up()
            self._current, self._loaded_from = assistant, identity
        log.info("assistant loaded", extra={"index": Path(identity).name})
        return {"index": Path(identity).name, "built_at": assistant.index.manifest.built_at}

    def rebuild(self) -> dict[str, str]:
        """Rebuild the index when the knowledge base or intents changed, then load it."""
        from bot.build import build_index

        build_index(self.settings, if_stale=True, progress=False)
        return self.load()

    def changed_on_disk(self) -> bool:
        """True when a different build has been published since the last load."""
        identity = self.index_identity()
        return self._loaded_from is not None and identity not in (self._loaded_from, self._failed)

    def start_watching(self, every: float, on_reload: Callable[[str], None]) -> None:
        """Poll the index directory and reload when a new build is published."""
        if every > 0 and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(every, on_reload))

    async def stop_watching(self) -> None:
        """Stop the poller."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None

    async def _watch(self, every: float, on_reload: Callable[[str], None]) -> None:
        while True:
            await asyncio.sleep(every)
            if not self.changed_on_disk():
                continue
            try:
                await asyncio.to_thread(self.load)
                on_reload("ok")
            except Exception:   # a broken build must not take the service down; keep serving the old one
                log.exception("reloading the published index failed; still serving the previous one")
                self._failed = self.index_identity()
                on_reload("failed")
