"""Reflector: keep a faithful local copy of one kind - list, then watch, forever.

- list (chunked) and remember the list's resourceVersion;
- watch from it with bookmarks, so the resourceVersion stays fresh even when nothing changes;
- when the stream ends, re-watch from the last resourceVersion seen;
- on 410 Gone (our resourceVersion fell out of the server's window), relist and emit what changed,
  including DELETED events synthesized for objects that vanished while we were not looking;
- on connection errors, back off (exponential, capped, jittered) and resume the same way.

Consumers see every change exactly once, in order, and never a duplicate ADDED after a relist.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from lightkube import ALL_NS, ApiError, AsyncClient

from kubemedic.cluster.kinds import KindInfo, resource_for
from kubemedic.cluster.watch_stream import watch_stream

Key = tuple[str, str]  # (namespace, name)


@dataclass(frozen=True, slots=True)
class Change:
    type: str  # ADDED | MODIFIED | DELETED
    kind: str
    object: dict[str, Any]
    synthesized: bool = False  # a DELETED inferred from a relist, not seen on the watch


@dataclass
class ReflectorStats:
    lists: int = 0
    watches: int = 0
    events: int = 0
    bookmarks: int = 0
    relists_410: int = 0
    reconnects: int = 0
    last_error: str = ""


@dataclass
class Backoff:
    initial: float = 0.2
    maximum: float = 10.0
    factor: float = 2.0
    _current: float = field(default=0.0, init=False)

    def next(self) -> float:
        self._current = self.initial if self._current == 0 else min(self._current * self.factor, self.maximum)
        return self._current * random.uniform(0.8, 1.2)

    def reset(self) -> None:
        self._current = 0.0


# Events handled between two turns of the event loop during a burst (the API stays responsive).
YIELD_EVERY = 64


class WatchError(Exception):
    """An ERROR event in a watch stream: args are (status code, message)."""


Handler = Callable[[Change], Awaitable[None] | None]


class Reflector:
    def __init__(
        self,
        client: AsyncClient,
        info: KindInfo,
        handler: Handler,
        *,
        namespace: str | None = None,
        watch_timeout_s: int = 300,
        backoff: Backoff | None = None,
    ) -> None:
        self.client = client
        self.info = info
        self.handler = handler
        self.namespace = namespace
        self.watch_timeout_s = watch_timeout_s
        self.backoff = backoff or Backoff()
        self.store: dict[Key, dict[str, Any]] = {}
        self.resource_version = ""
        self.stats = ReflectorStats()
        self.synced = asyncio.Event()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """List and watch until `stop` is set (or the task is cancelled)."""
        stop = stop or asyncio.Event()
        need_list = not self.resource_version  # a restarted reflector resumes from where it stopped
        while not stop.is_set():
            try:
                if need_list:
                    await self.relist()
                    need_list = False
                    self.stats.last_error = ""  # reachable again
                await self._watch_once(stop)
                self.backoff.reset()
                self.stats.last_error = ""
            except (ApiError, WatchError) as exc:
                code, message = (
                    (exc.status.code, exc.status.message) if isinstance(exc, ApiError) else exc.args
                )
                if code == 410 or "too large resource version" in str(message).lower():
                    self.stats.relists_410 += 1
                    need_list = True
                    continue
                await self._pause(stop, f"{code}: {message}")
                need_list = need_list or not self.resource_version
            except (OSError, TimeoutError, httpx2.TransportError) as exc:
                await self._pause(stop, f"{type(exc).__name__}: {exc}")
                # Resume the watch from the last version seen (as client-go does): an API server that
                # restarted with its history answers 410 Gone if that version is gone, and we relist then.
                need_list = need_list or not self.resource_version

    async def _pause(self, stop: asyncio.Event, error: str) -> None:
        self.stats.reconnects += 1
        self.stats.last_error = error
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=self.backoff.next())

    async def relist(self) -> None:
        """List everything; emit the difference with what we had (synthesizing deletes)."""
        res = resource_for(self.info)
        kwargs: dict[str, Any] = {"chunk_size": 500}
        if self.info.namespaced:
            kwargs["namespace"] = self.namespace or ALL_NS
        listing = self.client.list(res, **kwargs)
        fresh: dict[Key, dict[str, Any]] = {}
        async for obj in listing:
            raw = self._normalize(dict(obj))
            fresh[_key(raw)] = raw
        self.resource_version = listing.resourceVersion if fresh else await self._empty_list_rv()
        self.stats.lists += 1
        old = self.store
        self.store = fresh
        for key, raw in fresh.items():
            before = old.get(key)
            if before is None:
                await self._emit(Change("ADDED", self.info.kind, raw))
            elif _rv(before) != _rv(raw):
                await self._emit(Change("MODIFIED", self.info.kind, raw))
        for key, raw in old.items():
            if key not in fresh:
                await self._emit(Change("DELETED", self.info.kind, raw, synthesized=True))
        self.synced.set()

    async def _empty_list_rv(self) -> str:
        """An empty list still has a resourceVersion; lightkube only exposes it after an item, so ask once."""
        res = resource_for(self.info)
        kwargs: dict[str, Any] = {"chunk_size": 1}
        if self.info.namespaced:
            kwargs["namespace"] = self.namespace or ALL_NS
        listing = self.client.list(res, **kwargs)
        async for _ in listing:
            break
        try:
            return listing.resourceVersion
        except Exception:  # NotReadyError: lightkube had nothing to iterate
            return self.resource_version or "0"

    async def _watch_once(self, stop: asyncio.Event) -> None:
        self.stats.watches += 1
        stream = watch_stream(
            self.client,
            self.info,
            resource_version=self.resource_version,
            namespace=self.namespace,
            timeout_seconds=self.watch_timeout_s,
        )
        async for event in stream:
            if stop.is_set():
                break
            if event.type == "ERROR":
                code = int(event.object.get("code") or 500)
                raise WatchError(code, str(event.object.get("message") or "watch error"))
            rv = _rv(event.object)
            if rv:
                self.resource_version = rv
            if event.type == "BOOKMARK":
                self.stats.bookmarks += 1
                continue
            raw = self._normalize(event.object)
            key = _key(raw)
            self.stats.events += 1
            if event.type == "DELETED":
                self.store.pop(key, None)
            else:
                self.store[key] = raw
            await self._emit(Change(event.type, self.info.kind, raw))
            if self.stats.events % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # a burst already buffered would otherwise hold the loop

    async def _emit(self, change: Change) -> None:
        result = self.handler(change)
        if result is not None:
            await result

    def _normalize(self, raw: dict[str, Any]) -> dict[str, Any]:
        raw.setdefault("kind", self.info.kind)
        raw.setdefault("apiVersion", self.info.api_version)
        return raw


def _key(raw: dict[str, Any]) -> Key:
    meta = raw.get("metadata") or {}
    return (str(meta.get("namespace") or ""), str(meta.get("name") or ""))


def _rv(raw: dict[str, Any]) -> str:
    return str((raw.get("metadata") or {}).get("resourceVersion") or "")
