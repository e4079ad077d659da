"""Waiting on two events at once: the work's own signal, or the order to stop."""

from __future__ import annotations

import asyncio


async def woken(event: asyncio.Event, stop: asyncio.Event) -> bool:
    """Wait until `event` or `stop` is set; True when it was `event` and not `stop`."""
    waiter = asyncio.create_task(event.wait())
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        stopper.cancel()
    return not stop.is_set()
