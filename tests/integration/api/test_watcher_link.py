"""Serve's link to its watcher process: messages handed on, a dead watcher started again, a clean stop.

The watcher here is a small stand-in script (the real one needs a cluster and a store; the serve and
replica integration tests run it): it reads the config the link sends, answers as its `replica` name
says, and exits.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import pytest

from kubemedic.api import watcher_link
from kubemedic.api.notice import ScanNotice, WatcherStatus
from kubemedic.api.watcher import WatcherConfig
from kubemedic.api.watcher_link import WatcherProcess
from kubemedic.cluster.client import ClusterTarget

pytestmark = pytest.mark.anyio

STAND_IN = r"""
import asyncio, socket, sys, orjson
from kubemedic.api.watcher import read_config

async def main(fd):
    reader, writer = await asyncio.open_connection(sock=socket.socket(fileno=fd))
    config = await read_config(reader)
    def say(**message):
        writer.write(orjson.dumps(message) + b"\n")
    say(t="status", leading=True, cluster=config.cluster, synced=True, scans=1, terms=1)
    say(t="change", kind="ConfigMap", type="ADDED", object={"metadata": {"name": "c"}, "data": {"k": "v"}})
    say(t="scan", cluster=config.cluster, took_ms=12.5, changes=3, full=True, scope=9, findings=1,
        opened=[{"id": "f1", "cluster": config.cluster, "name": "web"}], resolved=["f0"])
    writer.write(b"not json\n")
    await writer.drain()
    if config.replica == "crash":
        sys.exit(3)
    await reader.read()  # until the link closes
    say(t="status", leading=False, cluster=config.cluster)
    await writer.drain()

asyncio.run(main(int(sys.argv[1])))
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Seen:
    def __init__(self) -> None:
        self.changes: list[tuple[str, str, dict[str, Any]]] = []
        self.scans: list[ScanNotice] = []
        self.statuses: list[WatcherStatus] = []

    def link(self, replica: str) -> WatcherProcess:
        async def on_scan(notice: ScanNotice) -> None:
            self.scans.append(notice)

        config = WatcherConfig(ClusterTarget(), "sqlite+aiosqlite:///unused.db", "sim", replica)
        return WatcherProcess(
            config,
            on_change=lambda kind, type_, raw: self.changes.append((kind, type_, raw)),
            on_scan=on_scan,
            on_status=self.statuses.append,
            argv=(sys.executable, "-c", STAND_IN),
        )


async def wait_until(check: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_messages_reach_their_handlers_and_stop_closes_the_link() -> None:
    seen, stop = Seen(), asyncio.Event()
    link = seen.link("steady")
    task = asyncio.create_task(link.run(stop))
    await wait_until(lambda: seen.scans)
    assert link.status.leading and link.status.cluster == "sim" and link.running
    assert seen.changes == [("ConfigMap", "ADDED", {"metadata": {"name": "c"}, "data": {"k": "v"}})]
    scan = seen.scans[0]
    assert (scan.took_ms, scan.changes, scan.full, scan.findings) == (12.5, 3, True, 1)
    assert scan.opened == ({"id": "f1", "cluster": "sim", "name": "web"},) and scan.resolved == ("f0",)
    stop.set()
    await asyncio.wait_for(task, 20)
    assert link.starts == 1, "stopped, not restarted"
    assert not link.running and not link.status.leading
    assert [s.leading for s in seen.statuses][-2:] == [False, False], "its last word, then 'down'"


async def test_a_watcher_that_dies_is_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watcher_link, "RESTART_PAUSE_S", (0.1, 0.2))
    seen, stop = Seen(), asyncio.Event()
    link = seen.link("crash")
    task = asyncio.create_task(link.run(stop))
    await wait_until(lambda: link.starts >= 3 and len(seen.scans) >= 3)
    stop.set()
    await asyncio.wait_for(task, 20)
    assert all(s.opened[0]["id"] == "f1" for s in seen.scans)
    assert not link.status.leading, "a dead watcher is reported down, not as the last thing it said"
