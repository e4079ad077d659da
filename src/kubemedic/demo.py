"""`make demo`: start the simulated cluster with a few faults, scan it live, explain what to try next.

The sim runs as a child process on a free port with its kubeconfig in `.kubemedic/sim.kubeconfig`.
In a terminal the demo keeps the sim running until Ctrl-C so you can point kubectl at it; in CI (no
terminal) it stops it at once. If the sim cannot start, the bundled example snapshot is scanned.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console

from kubemedic.cluster.client import ClusterTarget
from kubemedic.report import render_table
from kubemedic.service.live_scan import scan_live
from kubemedic.service.scan import scan_snapshot

EXAMPLE = Path("examples") / "broken-shop"
SCENARIOS = (
    "dependency-chain",
    "image-not-found",
    "missing-configmap",
    "pending-resources",
    "oomkilled",
    "service-no-endpoints",
)
SETTLE_S = 12.0  # faults are planted after ~1 s; crash loops need a few restarts to show


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/version", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def _scan_example(console: Console) -> int:
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (base / EXAMPLE).is_dir():
            console.rule(f"kubemedic scan --snapshot {EXAMPLE}")
            render_table(scan_snapshot(base / EXAMPLE), console)
            return 0
    console.print(f"[red]error:[/] the example snapshot {EXAMPLE} is missing")
    return 2


def main() -> int:
    console = Console()
    state_dir = Path(".kubemedic")
    state_dir.mkdir(exist_ok=True)
    kubeconfig = state_dir / "sim.kubeconfig"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "kubemedic.sim",
        "--port",
        str(port),
        "--kubeconfig-out",
        str(kubeconfig),
        "--fault-delay",
        "1",
    ] + [a for s in SCENARIOS for a in ("--scenario", s)]
    console.rule("kubemedic demo: a simulated cluster with planted faults")
    log = (state_dir / "sim.log").open("w")
    sim = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if not _wait_ready(url):
            console.print(
                "[yellow]the simulated cluster did not start (see .kubemedic/sim.log); "
                "scanning the bundled example snapshot instead[/]"
            )
            return _scan_example(console)
        with console.status(
            f"simulated cluster up at {url}; waiting {SETTLE_S:.0f}s for the faults to appear..."
        ):
            time.sleep(SETTLE_S)
        console.rule(f"kubemedic scan --kubeconfig {kubeconfig}")
        started = time.perf_counter()
        report = scan_live(ClusterTarget(kubeconfig=kubeconfig), clock=lambda: datetime.now(UTC))
        render_table(report, console)
        console.print(f"[dim]live scan of the API took {time.perf_counter() - started:.2f} s[/]")
        console.rule("next")
        console.print(
            f"Point kubectl at the sim:  [bold]kubectl --kubeconfig {kubeconfig} get pods -A[/]\n"
            f"Scan it yourself:          [bold].venv/bin/kubemedic scan "
            f"--kubeconfig {kubeconfig}[/]\n"
            f"Capture a snapshot:        [bold].venv/bin/kubemedic snapshot "
            f"--kubeconfig {kubeconfig} -o snap[/]\n"
            "All faults:                [bold].venv/bin/kubemedic sim --all[/]  (list them with --list)"
        )
        if sys.stdin.isatty() and not os.environ.get("CI"):
            console.print("[bold]The simulated cluster keeps running - press Ctrl-C to stop it.[/]")
            with contextlib.suppress(KeyboardInterrupt):
                sim.wait()
        return 0
    finally:
        if sim.poll() is None:
            os.killpg(sim.pid, signal.SIGTERM)
            try:
                sim.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(sim.pid, signal.SIGKILL)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
