"""Benchmark `kubemedic serve` against the simulated cluster: push latency, REST latency, memory.

    python bench/serve_bench.py [--pods 5000] [--churn 67] [--warmup 30] [--db sqlite|postgres|both]
    python bench/serve_bench.py --rss-only --pods 10000

1. Event -> SSE: while the sim mutates `--churn` pods per second among `--pods` pods, a new
   fault (a Service selecting no pod) is written every 0.5 s; the time from the write to the
   `finding-opened` message on an SSE client is recorded, with the object changes per second serve's
   watch saw meanwhile (a pod mutation also moves its ReplicaSet's and Deployment's status or adds an
   event: `--churn 67` gave 200-303 object changes/s, `--churn 200` ~486). Target: p99 <= 500 ms at 200
   object changes/s with 5,000 pods.
2. REST: an open-loop load generator on 127.0.0.1 sends `--rest-rate` requests per second for
   `--rest-seconds` (findings pages, one finding, incidents, cluster status, pods of a namespace);
   latency is measured from each request's scheduled time, so queueing counts. Target: p99 <= 50 ms at
   300 req/s, on SQLite and on PostgreSQL.
3. Memory: serve's resident set after its first analysis (and the peak), e.g. at 10,000 pods.

Everything runs on loopback, bounded in count and time, and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PG_ADMIN = os.environ.get("KUBEMEDIC_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_mem_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (serve's watcher process)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def serve_mem_mb(pid: int) -> tuple[float, float, float]:
    """(RSS of the API process, RSS of its watcher process(es), peak of the two added)."""
    rss, hwm = proc_mem_mb(pid)
    child_rss = child_hwm = 0.0
    for child in children(pid):
        with contextlib.suppress(OSError):
            r, h = proc_mem_mb(child)
            child_rss, child_hwm = child_rss + r, child_hwm + h
    return rss, child_rss, hwm + child_hwm


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def wait_for(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except (httpx.HTTPError, OSError, ValueError, KeyError):
            value = None
        if value:
            return value
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}")


@dataclass
class Processes:
    sim: subprocess.Popen[bytes]
    serve: subprocess.Popen[bytes]
    sim_url: str
    url: str

    def stop(self) -> None:
        for proc in (self.serve, self.sim):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.serve, self.sim):
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()


SERVE_EXTRA: list[str] = []  # more `kubemedic serve` options, from the command line
SIM_EXTRA: list[str] = ["--all"]  # the fault scenarios (cleared by --no-faults)


def start(tmp: Path, pods: int, churn: float, db: str, redis: str = "") -> Processes:
    sim_port, port = free_port(), free_port()
    kubeconfig = tmp / "kubeconfig"
    kube = [sys.executable, "-m", "kubemedic"]
    # every fault scenario planted too (unless --no-faults), so there are findings and incidents to read
    sim_argv = ["sim", *SIM_EXTRA, "--pods", str(pods), "--churn", str(churn), "--port", str(sim_port)]
    sim = subprocess.Popen(
        [*kube, *sim_argv, "--kubeconfig-out", str(kubeconfig)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sim_url = f"http://127.0.0.1:{sim_port}"
    wait_for(lambda: kubeconfig.exists() and httpx.get(f"{sim_url}/version", timeout=2), 120, "the sim")
    serve_argv = ["serve", "--kubeconfig", str(kubeconfig), "--db", db, "--port", str(port)]
    serve = subprocess.Popen(
        [
            *kube,
            *serve_argv,
            "--dev",
            "--rate-limit",
            "0",
            *(["--redis", redis] if redis else []),
            *SERVE_EXTRA,
        ],
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "serve.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    procs = Processes(sim, serve, sim_url, url)

    def analyzed() -> bool:
        items = httpx.get(f"{url}/api/v1/clusters", timeout=10).json()["items"]
        return bool(items) and items[0]["pods"]["total"] >= pods

    try:
        wait_for(analyzed, 300, "serve's first analysis")
    except SystemExit:
        procs.stop()
        raise
    return procs


def watch_events(url: str) -> float:
    """Object changes serve's watch has received so far (its kubemedic_watch_events_total)."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("kubemedic_watch_events_total")
    )


def post_orphan(sim_url: str, name: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": f"{name}-none"}, "ports": [{"port": 80}]},
    }
    httpx.post(f"{sim_url}/api/v1/namespaces/default/services", json=body, timeout=10).raise_for_status()


def sse_latency(procs: Processes, samples: int, every_s: float) -> list[float]:
    arrived: dict[str, float] = {}
    stop = threading.Event()
    connected = threading.Event()

    def listen() -> None:
        try:
            with httpx.stream("GET", f"{procs.url}/api/v1/stream", timeout=60) as stream:
                for line in stream.iter_lines():
                    connected.set()
                    if stop.is_set():
                        return
                    if line.startswith("data:") and '"bench-' in line:
                        name = json.loads(line[5:]).get("name", "")
                        arrived.setdefault(name, time.monotonic())
        except httpx.HTTPError:
            return

    threading.Thread(target=listen, daemon=True).start()
    connected.wait(10)
    run = uuid.uuid4().hex[:6]
    written: dict[str, float] = {}
    next_at = time.monotonic()
    for i in range(samples):
        next_at += every_s
        time.sleep(max(0.0, next_at - time.monotonic()))
        name = f"bench-{run}-{i}"
        written[name] = time.monotonic()
        post_orphan(procs.sim_url, name)
    deadline = time.monotonic() + 15
    while len(arrived) < samples and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    missing = samples - len([n for n in written if n in arrived])
    if missing:
        print(f"  warning: {missing} of {samples} faults never reached the stream within 15 s")
    return [(arrived[n] - t) * 1000 for n, t in written.items() if n in arrived]


def start_standby(tmp: Path, db: str, redis: str) -> tuple[subprocess.Popen[bytes], str]:
    """A second replica on the same PostgreSQL + Redis: it stands by while the first one watches."""
    port = free_port()
    argv = [sys.executable, "-m", "kubemedic", "serve", "--kubeconfig", str(tmp / "kubeconfig"), "--db", db]
    argv += ["--port", str(port), "--dev", "--rate-limit", "0", "--redis", redis]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=(tmp / "standby.log").open("wb"))
    url = f"http://127.0.0.1:{port}"

    def standing_by() -> bool:
        clusters = httpx.get(f"{url}/readyz", timeout=5).json().get("clusters", {})
        return any(c.get("role") == "standby" for c in clusters.values())

    wait_for(standing_by, 60, "the standby replica")
    return proc, url


def read_paths(url: str, *, store_only: bool) -> list[tuple[str, dict[str, Any]]]:
    """The mix of reads a dashboard makes: findings pages, one finding, incidents, live views."""
    page = httpx.get(f"{url}/api/v1/findings", params={"limit": 50}, timeout=30).json()["items"]
    clusters = httpx.get(f"{url}/api/v1/clusters", timeout=30).json().get("items") or [{"cluster": ""}]
    cluster = clusters[0]["cluster"]
    namespaces = sorted({f["namespace"] for f in page if f["namespace"]}) or ["default"]
    fid = page[0]["id"] if page else "none"
    paths: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/findings", {"limit": 50}),
        ("/api/v1/findings", {"limit": 20, "severity": "error"}),
        (f"/api/v1/findings/{fid}", {}),
        ("/api/v1/incidents", {}),
        (f"/api/v1/clusters/{cluster}/status", {}),
        ("/api/v1/pods", {"namespace": namespaces[0]}),
    ]
    if store_only:  # a standby replica has no live view: the store's reads instead
        paths[4:] = [("/api/v1/history", {"since": "1h"}), ("/api/cluster/history", {})]
    return paths


def hey_load(
    url: str, rate: float, seconds: float, *, store_only: bool = False
) -> tuple[list[float], dict[int, int]]:
    """The same mix with `hey` (apt install hey), which costs far less CPU than a Python client: one
    hey per path, 4 workers each, rate-limited so that together they send `rate` requests/s."""
    paths = read_paths(url, store_only=store_only)
    workers = 4
    per_worker = rate / len(paths) / workers
    procs = []
    for path, params in paths:
        target = str(httpx.URL(f"{url}{path}", params=params))
        argv = [
            "hey",
            "-z",
            f"{seconds:g}s",
            "-c",
            str(workers),
            "-q",
            f"{per_worker:.2f}",
            "-o",
            "csv",
            target,
        ]
        procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
    latencies: list[float] = []
    codes: dict[int, int] = {}
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 60)
        for line in out.splitlines()[1:]:
            cells = line.split(",")
            if len(cells) >= 7:
                latencies.append(float(cells[0]) * 1000)
                code = int(cells[6])
                codes[code] = codes.get(code, 0) + 1
    return latencies, codes


async def rest_load(
    url: str, rate: float, seconds: float, *, store_only: bool = False
) -> tuple[list[float], dict[int, int]]:
    """An open-loop load from Python (when hey is not installed); its own CPU cost is high."""
    paths = read_paths(url, store_only=store_only)
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as c:
        latencies: list[float] = []
        codes: dict[int, int] = {}
        start = time.monotonic() + 0.2
        total = int(rate * seconds)
        workers = 32  # connections; request i goes at start + i/rate on worker i % workers

        async def worker(w: int) -> None:
            for i in range(w, total, workers):
                scheduled = start + i / rate
                await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
                path, params = paths[i % len(paths)]
                try:
                    code = (await c.get(path, params=params)).status_code
                except httpx.HTTPError:
                    code = 0  # a transport error: counted, and its time still goes into the figures
                # from the scheduled time: a late start (the server was slow) counts as latency
                latencies.append((time.monotonic() - scheduled) * 1000)
                codes[code] = codes.get(code, 0) + 1

        await asyncio.gather(*(worker(w) for w in range(workers)))
    return latencies, codes


def create_pg_database() -> tuple[str, str]:
    import asyncpg

    name = f"kmbench_{uuid.uuid4().hex[:8]}"

    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    asyncio.run(run())
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}", name


def drop_pg_database(name: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(run())


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: no samples"
    return (
        f"{label}: n={len(values)} p50={statistics.median(values):.1f} ms "
        f"p99={pct(values, 99):.1f} ms max={max(values):.1f} ms"
    )


def load(
    url: str, rate: float, seconds: float, *, store_only: bool = False
) -> tuple[list[float], dict[int, int]]:
    if shutil.which("hey"):
        return hey_load(url, rate, seconds, store_only=store_only)
    return asyncio.run(rest_load(url, rate, seconds, store_only=store_only))


def run_one(args: argparse.Namespace, backend: str) -> dict[str, Any]:
    pg_name = ""
    with tempfile.TemporaryDirectory(prefix="kubemedic-serve-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        if backend == "postgres":
            db, pg_name = create_pg_database()
        else:
            db = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        began = time.monotonic()
        redis = args.redis if args.standby else ""
        procs = start(tmp, args.pods, 0 if args.rss_only else args.churn, db, redis)
        ready_s = time.monotonic() - began
        result: dict[str, Any] = {"backend": backend, "pods": args.pods, "ready_s": round(ready_s, 1)}
        try:
            rss, watcher_rss, peak = serve_mem_mb(procs.serve.pid)
            result.update(
                rss_mb=round(rss + watcher_rss), api_rss_mb=round(rss), watcher_rss_mb=round(watcher_rss)
            )
            result.update(peak_mb=round(peak))
            print(
                f"[{backend}] {args.pods} pods: first analysis after {ready_s:.1f} s; "
                f"RSS {rss + watcher_rss:.0f} MB "
                f"(API process {rss:.0f} MB, watcher process {watcher_rss:.0f} MB)"
            )
            if not args.rss_only and args.samples > 0:
                time.sleep(args.warmup)
                seen_before, at = watch_events(procs.url), time.monotonic()
                sse = sse_latency(procs, args.samples, 0.5)
                rate = (watch_events(procs.url) - seen_before) / (time.monotonic() - at)
                label = f"event -> SSE, sim churn {args.churn:g}/s = {rate:.0f} object changes/s seen"
                label += (
                    f", after a {args.warmup:g} s warm-up" if args.warmup else ", from the first analysis"
                )
                print("  " + summary(label, sse))
                result["sse_ms"] = {"p50": statistics.median(sse), "p99": pct(sse, 99), "max": max(sse)}
                result["warmup_s"] = args.warmup
            if args.standby:
                standby, standby_url = start_standby(tmp, db, redis)
                try:
                    rest, codes = load(standby_url, args.rest_rate, args.rest_seconds, store_only=True)
                finally:
                    standby.send_signal(signal.SIGTERM)
                    standby.wait(timeout=40)
                label = f"REST on a standby replica (store reads) at {args.rest_rate:g} req/s"
                print("  " + summary(label, rest) + f" codes={codes}")
                result["standby_rest_ms"] = {"p50": statistics.median(rest), "p99": pct(rest, 99)}
            if not args.rss_only:
                used = cpu_s(procs.serve.pid)
                rest, codes = load(procs.url, args.rest_rate, args.rest_seconds)
                per_request_ms = (cpu_s(procs.serve.pid) - used) / max(1, len(rest)) * 1000
                print("  " + summary(f"REST at {args.rest_rate:g} req/s", rest) + f" codes={codes}")
                print(f"  API process CPU per request {per_request_ms:.2f} ms")
                result["rest_cpu_ms_per_request"] = round(per_request_ms, 2)
                result["rest_ms"] = {
                    "p50": statistics.median(rest),
                    "p99": pct(rest, 99),
                    "max": max(rest),
                    "codes": codes,
                }
                rss, watcher_rss, peak = serve_mem_mb(procs.serve.pid)
                result.update(rss_end_mb=round(rss + watcher_rss), peak_mb=round(peak))
                print(
                    f"  serve RSS at the end {rss + watcher_rss:.0f} MB (API {rss:.0f} MB, watcher "
                    f"{watcher_rss:.0f} MB; peaks added {peak:.0f} MB)"
                )
        finally:
            procs.stop()
            if pg_name:
                drop_pg_database(pg_name)
    return result


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument(
        "--churn",
        type=float,
        default=200.0,
        help="pods the sim mutates per second (each is several object changes; the rate seen is printed)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=60, help="faults written, one every 0.5 s (0 = skip)")
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.0,
        help="seconds between serve's first analysis and the first fault (its first metrics readings "
        "create the 10,000 series and the detectors' first alarms; 0 measures through them)",
    )
    parser.add_argument("--rest-rate", type=float, default=300.0)
    parser.add_argument("--rest-seconds", type=float, default=10.0)
    parser.add_argument("--rss-only", action="store_true", help="only start, analyze once, report memory")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--standby",
        action="store_true",
        help="also run a second replica (PostgreSQL + Redis) and load its store reads",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--metrics-interval", type=float, default=15.0, help="serve's pod metrics reads (0 = off)"
    )
    parser.add_argument("--no-faults", action="store_true", help="background pods only, no fault scenarios")
    args = parser.parse_args()
    if args.no_faults:
        SIM_EXTRA.clear()
    SERVE_EXTRA.extend(["--metrics-interval", str(args.metrics_interval)])
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run_one(args, b) for b in backends]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
