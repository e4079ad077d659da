"""What the monitor's logs cache saves: ms per analysis and log reads, with and without it.

    python bench/monitor_logs_bench.py [--seconds 30]

For each mode a fresh simulated cluster with every scenario planted runs as its own process (so the
two runs see the same faults evolve the same way and the sim does not share our interpreter), and a
ClusterMonitor (in-memory SQLite store) watches it for `--seconds`. "uncached" is the monitor before
the cache: a LogsCache that keeps nothing (every wanted log is read at every analysis).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from kubemedic.cluster.client import ClusterTarget
from kubemedic.service.logs_cache import LogsCache
from kubemedic.service.monitor import ClusterMonitor, MonitorScan
from kubemedic.store import Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sim(kubeconfig: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kubemedic.sim",
            "--all",
            "--port",
            str(free_port()),
            "--kubeconfig-out",
            str(kubeconfig),
            "--fault-delay",
            "0.5",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not kubeconfig.exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("the simulated cluster did not start")
        time.sleep(0.1)
    time.sleep(0.5)
    return proc


async def watch(kubeconfig: Path, cache: LogsCache, seconds: float) -> list[MonitorScan]:
    scans: list[MonitorScan] = []
    async with Store.open("sqlite+aiosqlite:///:memory:") as store:
        monitor = ClusterMonitor(
            ClusterTarget(kubeconfig=kubeconfig),
            store,
            clock=lambda: datetime.now(UTC),
            on_scan=scans.append,
            logs_cache=cache,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(monitor.run(stop))
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.wait_for(task, timeout=30)
    return scans


def run(mode: str, seconds: float) -> None:
    cache = LogsCache(refresh_s=0.0, max_entries=0) if mode == "uncached" else LogsCache()
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = Path(tmp) / "kubeconfig"
        sim = start_sim(kubeconfig)
        try:
            scans = asyncio.run(watch(kubeconfig, cache, seconds))
        finally:
            sim.terminate()
            sim.wait(timeout=30)
    took = sorted(s.took_ms for s in scans[1:])  # the first analysis reads everything in both modes
    p90 = took[int(0.9 * (len(took) - 1))]
    print(
        f"{mode:>9}: {len(scans)} analyses in {seconds:.0f} s ({len(scans) / seconds:.2f}/s), "
        f"median {statistics.median(took):.1f} ms, p90 {p90:.1f} ms per analysis, "
        f"{cache.stats.reads} log reads ({cache.stats.reads / len(scans):.1f} per analysis), "
        f"{cache.stats.hits} served from the cache"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    for mode in ("uncached", "cached"):
        run(mode, args.seconds)


if __name__ == "__main__":
    main()
