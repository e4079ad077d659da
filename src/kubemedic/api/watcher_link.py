"""The API process's side of serve's watcher process (api/watcher.py): start it, read what it says,
start it again if it dies, stop it cleanly.

Each message is handed on as it arrives: object changes to `on_change` (the mirror), analyses to
`on_scan` (the stream and the metrics), and the latest status is kept in `status`. A watcher that
exits while serve is running is logged with its exit code and started again after a pause that
doubles up to 30 s; meanwhile `status` says it is down, which /readyz reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import structlog

from kubemedic.api.notice import ScanNotice, WatcherStatus
from kubemedic.api.watcher import WatcherConfig, encode_config

LINE_LIMIT = 256 * 1024 * 1024  # one message: an object of the cluster can be large (a ConfigMap near 1 MiB)
STOP_TIMEOUT_S = 50.0  # the watcher's own shutdown waits up to 45 s for its tasks
RESTART_PAUSE_S = (1.0, 30.0)  # first pause before starting a dead watcher again, and the longest
YIELD_EVERY = 32  # messages handled before the event loop gets a turn

OnChange = Callable[[str, str, dict[str, Any]], None]  # kind, type, object
OnScan = Callable[[ScanNotice], Awaitable[None]]
OnStatus = Callable[[WatcherStatus], None]


class WatcherProcess:
    def __init__(
        self,
        config: WatcherConfig,
        *,
        on_change: OnChange,
        on_scan: OnScan,
        on_status: OnStatus,
        argv: tuple[str, ...] = (sys.executable, "-m", "kubemedic.api.watcher_main"),
    ) -> None:
        self.config = config
        self.on_change = on_change
        self.on_scan = on_scan
        self.on_status = on_status
        self.argv = argv
        self.status = WatcherStatus()
        self.running = False
        self.starts = 0
        self._log = structlog.get_logger("kubemedic.serve").bind(replica=config.replica)

    async def run(self, stop: asyncio.Event) -> None:
        """Keep a watcher process running until `stop`, then stop it and wait for it."""
        pause = RESTART_PAUSE_S[0]
        while not stop.is_set():
            code = await self._one(stop)
            self._set_status(WatcherStatus())
            if stop.is_set():
                return
            self._log.error("watcher-exited", exit_code=code, restart_in_s=pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
            pause = min(pause * 2, RESTART_PAUSE_S[1])

    async def _one(self, stop: asyncio.Event) -> int | None:
        ours, theirs = socket.socketpair()
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.argv, str(theirs.fileno()), pass_fds=(theirs.fileno(),)
            )
        finally:
            theirs.close()
        self.starts += 1
        self.running = True
        reader, writer = await asyncio.open_connection(sock=ours, limit=LINE_LIMIT)
        writer.write(encode_config(self.config))
        reading = asyncio.create_task(self._read(reader))
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():  # our end closing is the watcher's signal to stop (it may still report)
                with contextlib.suppress(OSError):
                    writer.write_eof()
                try:
                    await asyncio.wait_for(proc.wait(), STOP_TIMEOUT_S)
                except TimeoutError:
                    self._log.error("watcher-kill", reason=f"still running {STOP_TIMEOUT_S:g} s after stop")
                    proc.kill()
                await asyncio.wait({reading}, timeout=5)
            return await proc.wait()
        finally:
            stopping.cancel()
            reading.cancel()
            writer.close()
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            self.running = False

    async def _read(self, reader: asyncio.StreamReader) -> None:
        count = 0
        while line := await reader.readline():
            count += 1
            if count % YIELD_EVERY == 0:
                # readline() returns at once while lines are buffered: without this, a burst of
                # thousands of changes would be handled in one go while requests wait
                await asyncio.sleep(0)
            try:
                message = orjson.loads(line)
                kind = message.get("t")
                if kind == "change":
                    self.on_change(message["kind"], message["type"], message["object"])
                elif kind == "scan":
                    await self.on_scan(ScanNotice.parse(message))
                elif kind == "status":
                    self._set_status(WatcherStatus.parse(message))
            except Exception as exc:  # boundary: one bad message is logged, the link goes on
                self._log.error("watcher-message", error=repr(exc), head=line[:200].decode(errors="replace"))

    def _set_status(self, status: WatcherStatus) -> None:
        self.status = status
        self.on_status(status)
