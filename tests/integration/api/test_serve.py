"""`kubemedic serve` as a real process against the sim: the planted fault shows up over REST and SSE,
SIGTERM stops it cleanly, and a restart keeps the history without duplicates."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim

pytestmark = pytest.mark.integration


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(sim: SimHandle, db: str, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kubemedic",
            "serve",
            "--kubeconfig",
            str(sim.kubeconfig),
            "--db",
            db,
            "--port",
            str(port),
            "--dev",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _findings(url: str) -> list[dict[str, Any]]:
    try:
        items: list[dict[str, Any]] = httpx.get(
            f"{url}/api/v1/findings", params={"limit": 1000}, timeout=2
        ).json()["items"]
    except (httpx.HTTPError, KeyError, ValueError):
        return []
    return items


def _analyzed(url: str) -> bool:
    try:
        return bool(httpx.get(f"{url}/api/v1/clusters", timeout=2).json()["items"])
    except (httpx.HTTPError, KeyError, ValueError):
        return False


def _wait(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not reached in time")


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def test_serve_records_streams_and_survives_a_restart(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    with running_sim(SimConfig(scenarios=("missing-configmap",), fault_delay=1.0)) as sim:
        port = _port()
        url = f"http://127.0.0.1:{port}"
        proc = _start(sim, db, port)
        try:
            _wait(lambda: httpx.get(f"{url}/healthz", timeout=1).status_code == 200 if _up(url) else False)
            with httpx.stream(
                "GET", f"{url}/api/v1/stream", headers={"Last-Event-ID": "0"}, timeout=30
            ) as stream:
                opened = None
                for line in stream.iter_lines():
                    if line.startswith("data:") and "notifier" in line:
                        opened = json.loads(line[5:])
                        break
            assert opened is not None and opened["category"] in ("config-reference", "container-config")
            found = _wait(lambda: [f for f in _findings(url) if f["name"] == "notifier"])
            assert all(f["status"] == "open" for f in found)
            pods = httpx.get(
                f"{url}/api/v1/pods", params={"labelSelector": "k8s-app=kube-dns"}, timeout=5
            ).json()
            first = pods["items"][0]
            logs = httpx.get(f"{url}/api/v1/pods/{first['namespace']}/{first['name']}/logs", timeout=10)
            assert logs.status_code == 200, logs.text
            assert sim.token
            k8s = httpx.get(
                f"{url}/api/v1/findings", headers={"Authorization": f"Bearer {sim.token}"}, timeout=5
            )
            assert k8s.status_code == 200, "a token the cluster vouches for (TokenReview) is accepted"
            bogus = httpx.get(
                f"{url}/api/v1/findings", headers={"Authorization": "Bearer not-a-token"}, timeout=5
            )
            assert bogus.status_code == 401
            metrics = httpx.get(f"{url}/metrics", timeout=5).text
            assert "kubemedic_analysis_seconds_count" in metrics and "kubemedic_open_findings" in metrics
            subprocess.run(
                [
                    "kubectl",
                    "--kubeconfig",
                    str(sim.kubeconfig),
                    "delete",
                    "deployment",
                    "notifier",
                    "-n",
                    "comms",
                ],
                check=True,
                capture_output=True,
                timeout=30,
            )
            _wait(lambda: all(f["status"] == "resolved" for f in _findings(url) if f["name"] == "notifier"))
        finally:
            assert _stop(proc) == 0, proc.stderr.read().decode() if proc.stderr else ""
        assert proc.stderr is not None
        logged = [
            json.loads(line) for line in proc.stderr.read().decode().splitlines() if line.startswith("{")
        ]
        assert {e["event"] for e in logged} >= {"starting", "analysis", "stopped"}, "JSON logs off a terminal"
        assert sim.token and all(sim.token not in json.dumps(e) for e in logged), "no credentials in logs"
        before = {f["id"] for f in _findings_offline(db)}
        proc = _start(sim, db, port)
        try:
            _wait(lambda: _up(url))
            _wait(lambda: _analyzed(url))  # the restarted watcher has analyzed: duplicates would show now
            after = _findings(url)
        finally:
            assert _stop(proc) == 0
    assert before <= {f["id"] for f in after} and len(after) == len({f["id"] for f in after})


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _findings_offline(db: str) -> list[dict[str, str]]:
    import asyncio

    from kubemedic.store import Store

    async def read() -> list[dict[str, str]]:
        async with Store.open(db) as store:
            return [{"id": s.finding.id} for s in (await store.findings(limit=1000)).items]

    return asyncio.run(read())


def test_a_new_fault_reaches_sse_within_a_second(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    with running_sim(SimConfig(scenarios=())) as sim:
        port = _port()
        url = f"http://127.0.0.1:{port}"
        proc = _start(sim, db, port)
        try:
            _wait(lambda: _up(url))
            _wait(lambda: _analyzed(url))  # the watcher process has listed and analyzed once
            with httpx.stream("GET", f"{url}/api/v1/stream", timeout=10) as stream:
                lines = stream.iter_lines()
                next(lines)  # ": connected"
                body = {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": "orphan"},
                    "spec": {"selector": {"app": "nobody"}, "ports": [{"port": 80}]},
                }
                written = time.monotonic()
                httpx.post(
                    f"{sim.url}/api/v1/namespaces/default/services", json=body, timeout=5
                ).raise_for_status()
                for line in lines:
                    if line.startswith("data:") and '"orphan"' in line:
                        latency = time.monotonic() - written
                        break
        finally:
            assert _stop(proc) == 0
    assert latency < 1.0, f"fault reached the stream after {latency:.2f}s"
    (tmp_path / "latency.txt").write_text(f"{latency:.3f}")
