"""Background tasks that must not outlive a shutdown by more than a moment (webhooks, e-mails, announcements)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable


async def settle(tasks: Iterable[asyncio.Task], grace_seconds: float) -> int:
    """Give `tasks` up to `grace_seconds` to finish, then cancel the rest and wait for them to unwind; returns how
    many were cancelled. Their errors are their own business: each task logs what it did."""
    running = set(tasks)
    if not running:
        return 0
    _, unfinished = await asyncio.wait(running, timeout=grace_seconds)
    for task in unfinished:
        task.cancel()
    for task in unfinished:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    return len(unfinished)
