"""The reflector against the simulated cluster: list + watch, bookmarks, 410 -> relist without losing or
duplicating anything, and a restarted API server."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import httpx
import pytest

from kubemedic.cluster.client import ClusterTarget, make_client
from kubemedic.cluster.kinds import KIND_BY_NAME
from kubemedic.cluster.reflector import Backoff, Change, Reflector
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
CM = KIND_BY_NAME["ConfigMap"]


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def _cm(sim: SimHandle, name: str, *, delete: bool = False) -> None:
    base = f"{sim.url}/api/v1/namespaces/default/configmaps"
    if delete:
        httpx.delete(f"{base}/{name}", timeout=5).raise_for_status()
    else:
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}
        httpx.post(base, json=body, timeout=5).raise_for_status()


async def _until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def reflecting(sim: SimHandle, changes: list[Change], **kw: object) -> AsyncIterator[Reflector]:
    client, _ = make_client(ClusterTarget(kubeconfig=sim.kubeconfig))
    reflector = Reflector(client, CM, changes.append, namespace="default", **kw)  # type: ignore[arg-type]
    stop = asyncio.Event()
    task = asyncio.create_task(reflector.run(stop))
    try:
        await _until(reflector.synced.is_set)
        yield reflector
    finally:
        stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await client.close()


async def test_list_then_watch_sees_adds_updates_and_deletes() -> None:
    with running_sim(SimConfig(scenarios=())) as sim:
        changes: list[Change] = []
        async with reflecting(sim, changes) as reflector:
            start = len(changes)
            _cm(sim, "one")
            await _until(lambda: ("default", "one") in reflector.store)
            _cm(sim, "one", delete=True)
            await _until(lambda: ("default", "one") not in reflector.store)
        seen = [(c.type, c.object["metadata"]["name"]) for c in changes[start:]]
        assert seen == [("ADDED", "one"), ("DELETED", "one")]


async def test_bookmarks_keep_the_resource_version_fresh() -> None:
    with running_sim(SimConfig(scenarios=(), bookmark_interval=0.3)) as sim:
        changes: list[Change] = []
        async with reflecting(sim, changes) as reflector:
            await _until(lambda: reflector.stats.bookmarks >= 2)
            listed_rv = int(reflector.resource_version)
            _cm(sim, "elsewhere")  # a change the bookmarks will carry past
            await _until(lambda: int(reflector.resource_version) > listed_rv)


async def test_410_relists_without_missing_or_duplicating() -> None:
    with running_sim(SimConfig(scenarios=(), history_window=20)) as sim:
        for i in range(5):
            _cm(sim, f"keep-{i}")
        _cm(sim, "doomed")
        changes: list[Change] = []
        async with reflecting(sim, changes) as reflector:
            pass  # synced, then stopped: the reflector keeps its store and resourceVersion
        first = len(changes)
        reflector.client, _ = make_client(ClusterTarget(kubeconfig=sim.kubeconfig))  # the old one was closed
        _cm(sim, "doomed", delete=True)
        for i in range(40):  # push the old resourceVersion out of the server's 20-change window
            _cm(sim, f"new-{i}")
        stop = asyncio.Event()
        task = asyncio.create_task(reflector.run(stop))
        await _until(lambda: reflector.stats.relists_410 >= 1 and ("default", "new-39") in reflector.store)
        stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await reflector.client.close()
        after = Counter((c.type, c.object["metadata"]["name"]) for c in changes[first:])
        assert after[("DELETED", "doomed")] == 1
        assert all(after[("ADDED", f"new-{i}")] == 1 for i in range(40))
        assert not any(name.startswith("keep-") for (_, name) in after), (
            "unchanged objects must not be re-added"
        )
        assert next(c for c in changes[first:] if c.type == "DELETED").synthesized


async def test_reconnects_and_resyncs_after_the_api_server_restarts() -> None:
    config = SimConfig(scenarios=())
    with running_sim(config) as first:
        _cm(first, "only-in-first")
        port = int(first.url.rsplit(":", 1)[1])
        changes: list[Change] = []
        client, _ = make_client(ClusterTarget(kubeconfig=first.kubeconfig))
        reflector = Reflector(
            client, CM, changes.append, namespace="default", backoff=Backoff(0.05, 0.3), watch_timeout_s=1
        )
        stop = asyncio.Event()
        task = asyncio.create_task(reflector.run(stop))
        await _until(lambda: ("default", "only-in-first") in reflector.store)
    # the first API server is gone; a new one (empty of that object) comes up on the same port
    with running_sim(replace(config, port=port)) as second:
        _cm(second, "only-in-second")
        try:
            await _until(lambda: ("default", "only-in-second") in reflector.store, timeout=40)
        except AssertionError:
            rv2 = httpx.get(f"{second.url}/api/v1/namespaces/default/configmaps", timeout=5).json()[
                "metadata"
            ]
            raise AssertionError(
                f"{reflector.stats} {sorted(reflector.store)} rv={reflector.resource_version} new={rv2}"
            ) from None
        await _until(lambda: ("default", "only-in-first") not in reflector.store)
        assert reflector.stats.lists >= 2 and reflector.stats.relists_410 + reflector.stats.reconnects >= 1
    stop.set()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await client.close()
