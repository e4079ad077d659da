"""A short-lived cache of rendered store reads (findings pages, one finding, incidents).

Dashboards poll the same few URLs; between two analyses the answer cannot change. Each rendered body is
kept `ttl_s` (1 s by default) or until the watching replica applies its next analysis (`clear`), and
concurrent requests for the same URL share one database read. A standby replica's copy is at most
`ttl_s` old; the stream is always live.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response


class ReadCache:
    def __init__(
        self, ttl_s: float = 1.0, *, max_entries: int = 512, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.clock = clock
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._loading: dict[str, asyncio.Future[bytes]] = {}
        self._generation = 0

    def clear(self) -> None:
        """Forget everything (the data changed); reads already in flight are not stored."""
        self._entries.clear()
        self._generation += 1

    async def get(self, key: str, render: Callable[[], Awaitable[bytes]]) -> bytes:
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry[0] < self.ttl_s:
            self.hits += 1
            return entry[1]
        pending = self._loading.get(key)
        if pending is not None:
            self.hits += 1
            return await asyncio.shield(pending)
        self.misses += 1
        generation = self._generation
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            body = await render()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so a request that did not wait logs no warning
            raise
        finally:
            self._loading.pop(key, None)
        future.set_result(body)
        if generation == self._generation:
            self._entries[key] = (self.clock(), body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return body


async def cached_json(
    cache: ReadCache | None, request: Request, render: Callable[[], Awaitable[Any]]
) -> Response:
    """A JSON response rendered once per URL while the cache holds it; errors are never cached."""

    async def body() -> bytes:
        return orjson.dumps(await render())

    key = f"{request.url.path}?{request.url.query}"
    data = await cache.get(key, body) if cache is not None else await body()
    return Response(data, media_type="application/json")
