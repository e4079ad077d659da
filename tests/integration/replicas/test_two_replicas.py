"""Two `kubemedic serve` processes on PostgreSQL + Redis share one cluster: one watches, both stream
every change, and when the watcher is killed the other takes over within 15 s, losing and duplicating
nothing."""

from __future__ import annotations

import json
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim
from tests.support.servers import REDIS_URL

pytestmark = pytest.mark.integration


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(sim: SimHandle, db: str, port: int, name: str, log: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "kubemedic", "serve", "--kubeconfig", str(sim.kubeconfig), "--db", db]
    argv += ["--port", str(port), "--dev", "--redis", REDIS_URL, "--replica-id", name]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def _ready(url: str) -> dict[str, Any]:
    try:
        body: dict[str, Any] = httpx.get(f"{url}/readyz", timeout=2).json()
        return body
    except (httpx.HTTPError, ValueError):
        return {}


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _role(url: str) -> str:
    clusters = _ready(url).get("clusters", {})
    return str(next(iter(clusters.values()), {}).get("role", ""))


def _wait(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def _orphan_service(sim: SimHandle, name: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": f"{name}-nobody"}, "ports": [{"port": 80}]},
    }
    httpx.post(f"{sim.url}/api/v1/namespaces/default/services", json=body, timeout=5).raise_for_status()


def _listen(url: str, into: queue.Queue[dict[str, Any]], stop: threading.Event) -> None:
    try:
        with httpx.stream("GET", f"{url}/api/v1/stream", timeout=60) as stream:
            event = ""
            for line in stream.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    into.put({"event": event, **json.loads(line[5:])})
    except httpx.HTTPError:
        return  # the server went away at the end of the test


def _next_about(messages: queue.Queue[dict[str, Any]], name: str, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = messages.get(timeout=left)
        except queue.Empty:
            break
        if message.get("name") == name:
            return message
    raise AssertionError(f"no stream message about {name} within {timeout}s")


def _findings(url: str, name: str) -> list[dict[str, Any]]:
    items = httpx.get(f"{url}/api/v1/findings", params={"limit": 1000}, timeout=5).json()["items"]
    return [f for f in items if f["name"] == name]


def test_two_replicas_one_watcher_shared_stream_and_takeover(pg_url: str, tmp_path: Path) -> None:
    with running_sim(SimConfig(scenarios=())) as sim:
        ports = {"a": _port(), "b": _port()}
        urls = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
        procs = {n: _start(sim, pg_url, ports[n], n, tmp_path / f"{n}.log") for n in ports}
        try:
            _wait(lambda: all(_ready(u) for u in urls.values()))
            _wait(lambda: "watcher" in {_role(u) for u in urls.values()})
            time.sleep(3)  # a few lease polls: it stays at one watcher
            roles = {n: _role(u) for n, u in urls.items()}
            assert sorted(roles.values()) == ["standby", "watcher"], roles
            watcher = next(n for n, r in roles.items() if r == "watcher")
            standby = next(n for n in roles if n != watcher)
            assert _ready(urls[standby])["clusters"]
            assert next(iter(_ready(urls[standby])["clusters"].values()))["watcher"] == watcher

            messages: queue.Queue[dict[str, Any]] = queue.Queue()
            stop_listening = threading.Event()
            threading.Thread(
                target=_listen, args=(urls[standby], messages, stop_listening), daemon=True
            ).start()
            time.sleep(0.5)
            written = time.monotonic()
            _orphan_service(sim, "orphan-one")
            opened = _next_about(messages, "orphan-one")
            fanout_s = time.monotonic() - written
            assert opened["event"] == "finding-opened"
            assert fanout_s < 2.0, f"the standby's client saw the change after {fanout_s:.2f}s"
            assert len(_findings(urls[standby], "orphan-one")) == 1, (
                "REST on the standby reads the shared store"
            )

            orphans = _children(procs[watcher].pid)
            assert orphans, "the watching replica runs its watch in a watcher process"
            procs[watcher].kill()  # SIGKILL: no clean release; PostgreSQL frees the lock with the session
            procs[watcher].wait(timeout=10)
            # its watcher process sees the link close and stops too: a dead API leaves no watcher behind
            _wait(lambda: not any(_alive(pid) for pid in orphans), timeout=15)
            killed = time.monotonic()
            try:
                _wait(lambda: _role(urls[standby]) == "watcher", timeout=15)
            except AssertionError:
                raise AssertionError(f"no takeover: {_ready(urls[standby])}") from None
            takeover_s = time.monotonic() - killed
            assert takeover_s < 15

            _orphan_service(sim, "orphan-two")
            assert _next_about(messages, "orphan-two")["event"] == "finding-opened"
            assert len(_findings(urls[standby], "orphan-one")) == 1, "the new watcher duplicated nothing"
            assert len(_findings(urls[standby], "orphan-two")) == 1
            stop_listening.set()
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            codes = [proc.wait(timeout=40) for proc in procs.values()]
    assert codes.count(0) == 1, f"the survivor stops cleanly (the killed one does not): {codes}"
    (tmp_path / "figures.txt").write_text(f"fanout_s={fanout_s:.3f} takeover_s={takeover_s:.2f}\n")
    print(f"fan-out {fanout_s:.3f}s, takeover {takeover_s:.2f}s")  # noqa: T201
