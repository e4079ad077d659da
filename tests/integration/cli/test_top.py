"""`kubemedic top` as a user runs it (a subprocess) against the simulated cluster: the OOM-killed
worker's row has the right percentages of its 200m/128Mi requests and 256Mi limit and an ANOMALY
naming the OOM kill, a NotReady node is flagged, and the two ways it can fail (no metrics-server,
no cluster) end with exit 2 and a message saying which."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kubemedic.domain import Finding, ObjectRef, Severity
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim
from kubemedic.store import Store

pytestmark = pytest.mark.integration
SETTLE_TIMEOUT_S = 40.0


def top(kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubemedic", "top", *args, "--kubeconfig", str(kubeconfig)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "250"},
    )


@pytest.fixture(scope="module")
def sim() -> Iterator[SimHandle]:
    config = SimConfig(scenarios=("oomkilled", "node-not-ready"), fault_delay=0.2)
    with running_sim(config) as handle:
        yield handle


def _worker_row(sim: SimHandle, *, measured: bool = True) -> dict[str, Any]:
    """The report-worker row once the analysis has seen its OOM kill, with usage when `measured`
    (between kills the pod has no metrics: its row then has the anomaly but no usage)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        proc = top(sim.kubeconfig, "pods", "-n", "analytics", "-o", "json")
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        last = proc.stdout
        rows = [r for r in doc["pods"] if r["container"] == "report-worker"]
        if rows and rows[0]["anomaly"] and (rows[0]["memory_mi"] is not None or not measured):
            assert doc["cluster"] == "kubemedic-sim"
            row: dict[str, Any] = rows[0]
            return row
        time.sleep(1.0)
    raise AssertionError(f"no report-worker row with an anomaly in time; last output: {last}")


def test_top_pods_json_shows_usage_against_requests_and_limits_and_the_oom(sim: SimHandle) -> None:
    row = _worker_row(sim)
    assert row["namespace"] == "analytics" and row["pod"].startswith("report-worker-")
    assert row["cpu_request_m"] == 200.0 and row["cpu_limit_m"] is None
    assert row["memory_request_mi"] == 128.0 and row["memory_limit_mi"] == 256.0
    assert row["memory_mi"] > 0
    assert row["memory_request_pct"] == round(row["memory_mi"] / 128 * 100, 1)
    assert row["memory_limit_pct"] == round(row["memory_mi"] / 256 * 100, 1)
    assert row["cpu_request_pct"] == round(row["cpu_m"] / 200 * 100, 1)
    assert row["cpu_limit_pct"] is None
    assert "OOMKilled" in row["anomaly"]


def test_top_pods_table_lists_every_namespace_with_healthy_rows_empty(sim: SimHandle) -> None:
    _worker_row(sim, measured=False)
    proc = top(sim.kubeconfig, "pods", "-A", "--sort-by", "memory")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:4] == ["NAMESPACE", "POD", "CONTAINER", "CPU(m)"]
    assert "ANOMALY" in lines[0]
    shop = [line for line in lines if line.startswith("shop ")]
    assert shop and all("OOMKilled" not in line for line in shop)
    assert any("kube-system" in line for line in lines)


def test_top_nodes_flags_the_not_ready_node(sim: SimHandle) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        proc = top(sim.kubeconfig, "nodes", "-o", "json")
        assert proc.returncode == 0, proc.stderr
        nodes = json.loads(proc.stdout)["nodes"]
        bad = [n for n in nodes if n["status"] != "Ready"]
        if bad or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    assert len(nodes) == 3
    # the scenario: kubemedic-worker2 NotReady under memory and disk pressure
    assert [(n["name"], n["status"]) for n in bad] == [
        ("kubemedic-worker2", "NotReady,MemoryPressure,DiskPressure")
    ]
    assert bad[0]["cpu_m"] is None  # metrics-server reports no NotReady node
    ready = [n for n in nodes if n["status"] == "Ready"]
    for n in ready:
        assert n["cpu_m"] > 0 and n["cpu_pct"] == round(n["cpu_m"] / n["cpu_allocatable_m"] * 100, 1)
    table = top(sim.kubeconfig, "nodes")
    assert table.returncode == 0 and "NotReady" in table.stdout


class _NoMetrics(BaseHTTPRequestHandler):
    """An API server without metrics.k8s.io: every request is a 404 Status."""

    def do_GET(self) -> None:
        body = json.dumps(
            {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
             "message": "the server could not find the requested resource"}
        ).encode()  # fmt: skip
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def _kubeconfig(tmp_path: Path, server: str) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: bare\n"
        f"clusters: [{{name: bare, cluster: {{server: '{server}'}}}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: bare, context: {cluster: bare, user: u}}]\n"
    )
    return path


def test_no_metrics_server_is_a_clear_error_with_exit_2(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NoMetrics)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        kubeconfig = _kubeconfig(tmp_path, f"http://127.0.0.1:{server.server_address[1]}")
        for what in ("pods", "nodes"):
            proc = top(kubeconfig, what)
            assert proc.returncode == 2, proc.stdout
            assert "metrics-server is not installed or not ready" in proc.stderr
            assert "404" in proc.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_cluster_is_the_connection_error_with_exit_2(tmp_path: Path) -> None:
    kubeconfig = _kubeconfig(tmp_path, "http://127.0.0.1:1")
    proc = top(kubeconfig, "pods", "-A")
    assert proc.returncode == 2
    assert "cannot read the cluster (unreachable)" in " ".join(proc.stderr.split())


def test_db_adds_the_open_anomalies_serve_stored_for_the_cluster(sim: SimHandle, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kubemedic.db'}"
    leak = Finding(
        ObjectRef("Deployment", "analytics", "report-worker", cluster="kubemedic-sim"),
        Severity.ERROR,
        "anomaly",
        "memory of report-worker climbing to its 256Mi limit",
        "m",
    )
    elsewhere = Finding(
        ObjectRef("Deployment", "analytics", "report-worker", cluster="other-cluster"),
        Severity.ERROR,
        "anomaly",
        "an anomaly of another cluster",
        "m",
    )

    async def plant() -> None:
        async with Store.open(url) as store:
            await store.apply_scan("kubemedic-sim", [leak], [], datetime.now(UTC))
            await store.apply_scan("other-cluster", [elsewhere], [], datetime.now(UTC))

    asyncio.run(plant())
    _worker_row(sim, measured=False)
    proc = top(sim.kubeconfig, "pods", "-n", "analytics", "-o", "json", "--db", url)
    assert proc.returncode == 0, proc.stderr
    (row,) = [r for r in json.loads(proc.stdout)["pods"] if r["container"] == "report-worker"]
    assert "memory of report-worker climbing to its 256Mi limit" in row["anomaly"]
    assert "another cluster" not in row["anomaly"]

    bad = top(sim.kubeconfig, "pods", "--db", "mysql://nope/x")
    assert bad.returncode == 2
    assert "not supported" in bad.stderr
