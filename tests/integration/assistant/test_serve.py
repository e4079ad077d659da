"""`kubemedic serve` as a real process against the sim: ask and explain over HTTP see the live state,
and "what changed" reads the timeline serve records."""

from __future__ import annotations

import os
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
from kubemedic.sim.testing import running_sim

pytestmark = pytest.mark.integration


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not reached in time")


def test_serve_answers_about_the_live_cluster(tmp_path: Path) -> None:
    env = {**os.environ, "KUBEMEDIC_LLM_PROVIDER": "offline", "KUBEMEDIC_DATA_DIR": str(tmp_path)}
    with running_sim(SimConfig(scenarios=("missing-configmap",), fault_delay=0.5)) as sim:
        port = _port()
        url = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-m", "kubemedic", "serve", "--kubeconfig", str(sim.kubeconfig)]
        argv += ["--db", f"sqlite+aiosqlite:///{tmp_path / 's.db'}", "--port", str(port), "--dev"]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        try:

            def asked() -> dict[str, Any] | None:
                r = httpx.post(
                    f"{url}/api/v1/ask", json={"question": "what is wrong in namespace comms"}, timeout=5
                )
                doc: dict[str, Any] = r.json()
                return doc if r.status_code == 200 and "notifier" in doc["answer"] else None

            doc = _wait(asked)
            assert "1. [error] Deployment comms/notifier" in doc["answer"]
            root = next(c for c in doc["citations"] if c["kind"] == "finding")
            explained = httpx.post(f"{url}/api/v1/findings/{root['finding_id']}/explain", timeout=5).json()
            assert "notifier-config" in explained["answer"] and explained["intent"] == "explain"
            changed = httpx.post(
                f"{url}/api/v1/ask", json={"question": "what changed in the last hour"}, timeout=5
            ).json()
            assert changed["intent"] == "what-changed" and changed["notes"] == []  # serve's timeline
            assert any(c["kind"] == "timeline" for c in changed["citations"])
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
