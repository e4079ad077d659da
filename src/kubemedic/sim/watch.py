"""Watch streams: newline-delimited `{"type", "object"}` events, bookmarks, timeouts, 410 Gone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from kubemedic.sim.errors import bad_request, gone
from kubemedic.sim.reads import entry_filter
from kubemedic.sim.routing import Target
from kubemedic.sim.store import Change, TooOld
from kubemedic.sim.tables import render_table
from kubemedic.sim.web import JSON, Query, wants_table
from kubemedic.sim.world import World

_BATCH = 512


def _line(kind: str, obj: bytes) -> bytes:
    return b'{"type":"' + kind.encode() + b'","object":' + obj + b"}\n"


def _parse_rv(value: str | None) -> int | None:
    if value in (None, "", "0"):
        return None
    try:
        return int(str(value))
    except ValueError as exc:
        raise bad_request(f"invalid resource version: {value}") from exc


def watch_response(world: World, target: Target, query: Query, request: Request) -> Response:
    rt = target.rt
    accepts = entry_filter(query, target.namespace)
    if target.name is not None:
        name = target.name
        base = accepts
        accepts = lambda e: e.name == name and base(e)  # noqa: E731
    since = _parse_rv(query.resource_version)
    table = wants_table(request)
    include = query.include_object

    def encode(change: Change) -> bytes:
        if table:
            return _line(
                change.type,
                render_table(
                    rt.kind,
                    [change.entry],
                    world.clock.now(),
                    include_object=include,
                    list_meta={"resourceVersion": str(change.entry.rv)},
                ),
            )
        return _line(change.type, change.entry.raw)

    try:
        watcher, backlog = world.store.watch(rt.key, since, accepts)
    except TooOld as exc:
        status = gone(str(exc)).status()
        return Response(_line("ERROR", orjson.dumps(status)), media_type=JSON)

    timeout = query.timeout_seconds
    bookmark_every = world.config.bookmark_interval if query.bookmarks else None

    async def stream() -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout if timeout else None
        last_rv = since or world.store.resource_version
        try:
            for i in range(0, len(backlog), _BATCH):
                chunk = backlog[i : i + _BATCH]
                last_rv = max(last_rv, chunk[-1].entry.rv)
                yield b"".join(encode(c) for c in chunk)
            next_bookmark = loop.time() + bookmark_every if bookmark_every else None
            while True:
                now = loop.time()
                waits = [t - now for t in (deadline, next_bookmark) if t is not None]
                wait = max(min(waits), 0.0) if waits else None
                try:
                    change = await asyncio.wait_for(watcher.queue.get(), wait)
                except TimeoutError:
                    now = loop.time()
                    if deadline is not None and now >= deadline:
                        return
                    if next_bookmark is not None and now >= next_bookmark and bookmark_every:
                        yield _line("BOOKMARK", _bookmark(rt.api_version, rt.kind, last_rv, table))
                        next_bookmark = now + bookmark_every
                    continue
                batch = [change]
                while not watcher.queue.empty() and len(batch) < _BATCH:
                    batch.append(watcher.queue.get_nowait())
                last_rv = batch[-1].entry.rv
                yield b"".join(encode(c) for c in batch)
        finally:
            world.store.unwatch(rt.key, watcher)

    return StreamingResponse(stream(), media_type=JSON)


def _bookmark(api_version: str, kind: str, rv: int, table: bool) -> bytes:
    meta = {"resourceVersion": str(rv)}
    if table:
        return orjson.dumps(
            {
                "kind": "Table",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": meta,
                "columnDefinitions": None,
                "rows": None,
            }
        )
    return orjson.dumps({"kind": kind, "apiVersion": api_version, "metadata": meta})
