"""Run work only while holding a lease: one replica watches a cluster, the others stand by.

A standby tries the lease every `poll_s`; the holder re-checks it just as often and stops its work the
moment the lease is lost (so two replicas never watch the same cluster for long). On shutdown the
holder releases the lease so a standby takes over at its next try instead of waiting for a timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import structlog

from kubemedic.store.leases import Lease

Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class Leadership:
    def __init__(self, lease: Lease, *, poll_s: float = 2.0) -> None:
        self.lease = lease
        self.poll_s = poll_s
        self.leading = False
        self.terms = 0  # how many times this replica took the lease

    async def run(self, stop: asyncio.Event, work: Work) -> None:
        log = structlog.get_logger("kubemedic.lease").bind(lease=self.lease.name, holder=self.lease.holder)
        while not stop.is_set():
            if not await self._try(self.lease.acquire, log):
                await _sleep(stop, self.poll_s)
                continue
            self.leading, self.terms = True, self.terms + 1
            log.info("lease-acquired", term=self.terms)
            term = asyncio.Event()
            task = asyncio.create_task(work(term))
            failed = False
            try:
                while not stop.is_set() and not task.done():
                    await _sleep(stop, self.poll_s, task)
                    if stop.is_set() or task.done():
                        break
                    if not await self._try(self.lease.renew, log):
                        log.warning("lease-lost", term=self.terms)
                        break
            finally:
                self.leading = False
                term.set()
                await asyncio.wait({task}, timeout=30)  # let the work wind down (never raises)
                if not task.done():
                    task.cancel()
                    await asyncio.wait({task})
                failed = task.done() and not task.cancelled() and task.exception() is not None
                if failed:
                    log.error("work-failed", error=repr(task.exception()))
            if failed and not stop.is_set():
                await _sleep(stop, self.poll_s)  # do not spin on work that fails at once
            if stop.is_set():
                await self._try(self.lease.release, log)
                log.info("lease-released")

    @staticmethod
    async def _try(call: Callable[[], Awaitable[object]], log: structlog.typing.FilteringBoundLogger) -> bool:
        try:
            result = await call()
        except Exception as exc:  # boundary: an unreachable lease store means "not ours"
            log.warning("lease-error", error=repr(exc))
            return False
        return result is not False


async def _sleep(stop: asyncio.Event, seconds: float, also: asyncio.Future[None] | None = None) -> None:
    waiters: set[asyncio.Future[object]] = {asyncio.ensure_future(stop.wait())}
    if also is not None:
        waiters.add(also)  # type: ignore[arg-type]
    _, pending = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiter in pending:
        if waiter is not also:
            waiter.cancel()
