"""Benchmark the simulated cluster at scale: kubectl, lightkube, a watch stream, and memory.

    python bench/sim_bench.py [--pods 10000] [--churn 3000]

Targets: `kubectl get pods -A` <= 3 s, lightkube list of all pods <= 1.5 s,
one watch client >= 2,000 events/s, sim RSS <= 700 MB.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from lightkube import Client, KubeConfig
from lightkube.resources.core_v1 import Pod

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_running(url: str, want: int, timeout: float) -> float:
    start = time.monotonic()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    while time.monotonic() - start < timeout:
        try:
            r = httpx.get(
                f"{url}/api/v1/pods",
                params={"fieldSelector": "status.phase=Running"},
                headers=headers,
                timeout=30,
            )
            if r.status_code == 200 and len(r.json()["items"]) >= want:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(1.0)
    raise SystemExit(f"pods not running after {timeout}s")


def time_kubectl(kubeconfig: Path, cache: Path) -> tuple[float, int]:
    argv = ["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(cache), "get", "pods", "-A"]
    subprocess.run([*argv[:5], "version"], capture_output=True, timeout=60, check=False)
    start = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True).stdout
    return time.monotonic() - start, len(out.splitlines()) - 1


def time_lightkube(kubeconfig: Path) -> tuple[float, int]:
    client = Client(KubeConfig.from_file(str(kubeconfig)))
    start = time.monotonic()
    count = sum(1 for _ in client.list(Pod, namespace="*"))
    return time.monotonic() - start, count


def watch_rate(url: str, seconds: float) -> float:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    rv = httpx.get(f"{url}/api/v1/namespaces", headers=headers, timeout=30).json()["metadata"][
        "resourceVersion"
    ]
    events = 0
    start = time.monotonic()
    params = {"watch": "true", "resourceVersion": rv, "timeoutSeconds": str(int(seconds))}
    with httpx.stream(
        "GET", f"{url}/api/v1/pods", params=params, headers=headers, timeout=seconds + 30
    ) as resp:
        for line in resp.iter_lines():
            if line:
                events += 1
            if time.monotonic() - start >= seconds:
                break
    return events / (time.monotonic() - start)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=10_000)
    ap.add_argument("--churn", type=float, default=3_000)
    ap.add_argument("--watch-seconds", type=float, default=5.0)
    args = ap.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = Path(tmp) / "kubeconfig"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kubemedic.sim",
                "--pods",
                str(args.pods),
                "--churn",
                str(args.churn),
                "--port",
                str(port),
                "--kubeconfig-out",
                str(kubeconfig),
                "--token",
                TOKEN,
            ],
            stderr=subprocess.DEVNULL,
        )
        try:
            startup = wait_running(url, args.pods, timeout=300)
            kubectl_s, rows = time_kubectl(kubeconfig, Path(tmp) / "cache")
            lightkube_s, count = time_lightkube(kubeconfig)
            rate = watch_rate(url, args.watch_seconds)
            rss = rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"pods={args.pods} churn={args.churn}/s")
    print(f"startup until {args.pods} pods Running: {startup:6.1f} s")
    print(f"kubectl get pods -A:   {kubectl_s:6.2f} s  ({rows} rows)      target <= 3 s")
    print(f"lightkube list pods:   {lightkube_s:6.2f} s  ({count} pods)     target <= 1.5 s")
    print(f"watch events/s:        {rate:8.0f}                    target >= 2000")
    print(f"sim RSS:               {rss:6.0f} MB                  target <= 700 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
