"""Cost of one metrics reading in the collector: N pods x their containers' memory (and CPU) series.

    python -m bench.collector_bench [--pods 5000] [--readings 300] [--timed 40] [--cpu] [--skip 0.003]

A ClusterState of --pods pods (one container each, memory limit 512Mi, cpu limit 1), in Deployments of
10 pods, is built once; then --readings readings 15 s apart are fed to `MetricsCollector.observe`:
memory around 200Mi with 1 % noise (a --skip fraction of the series repeat their previous value, as
a re-read metrics-server scrape does). The last --timed readings (past the detectors' 240-point
warm-up when --readings > 240) are timed one by one: median, p95, max milliseconds per reading.
Also timed: the first reading (every series is new) and a warm-up reading.
With --watch: the whole reading of `MetricsWatch` instead (the collector, plus every reading made into
Samples, the series derived from the state and the sample detectors), as serve runs it in its worker
thread. Target (issue 7): <= 50 ms per reading of 5,000 pods x memory (the collector).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np

from kubemedic.metrics.collect import CPU, MEMORY, CollectorSettings, MetricsCollector
from kubemedic.state import ClusterState
from kubemedic.state.usage import ContainerUsage, PodUsage

T0 = 1_800_000_000.0
MI = 1024 * 1024


def cluster(pods: int) -> ClusterState:
    raws: list[dict[str, Any]] = []
    for d in range((pods + 9) // 10):
        ns, name = f"ns{d % 50}", f"app{d}"
        raws.append({"kind": "Deployment", "metadata": {"name": name, "namespace": ns, "uid": f"d{d}"}})
        raws.append(
            {
                "kind": "ReplicaSet",
                "metadata": {
                    "name": f"{name}-rs",
                    "namespace": ns,
                    "uid": f"r{d}",
                    "ownerReferences": [
                        {"kind": "Deployment", "name": name, "uid": f"d{d}", "controller": True}
                    ],
                },
            }
        )
    limits = {"limits": {"memory": "512Mi", "cpu": "1"}, "requests": {"memory": "128Mi", "cpu": "100m"}}
    for p in range(pods):
        d = p // 10
        raws.append(
            {
                "kind": "Pod",
                "metadata": {
                    "name": f"app{d}-rs-{p}",
                    "namespace": f"ns{d % 50}",
                    "uid": f"p{p}",
                    "ownerReferences": [
                        {"kind": "ReplicaSet", "name": f"app{d}-rs", "uid": f"r{d}", "controller": True}
                    ],
                },
                "spec": {"containers": [{"name": "main", "image": "app:1", "resources": limits}]},
                "status": {"phase": "Running"},
            }
        )
    return ClusterState.build(raws, now=datetime.fromtimestamp(T0, UTC)).build_indexes()


def readings(pods: int, count: int, skip: float, seed: int = 1) -> list[list[PodUsage]]:
    rng = np.random.default_rng(seed)
    out: list[list[PodUsage]] = []
    previous = np.full(pods, 200.0 * MI)
    for _ in range(count):
        memory = 200.0 * MI * (1 + rng.normal(0, 0.01, pods))
        repeat = rng.random(pods) < skip
        memory = np.where(repeat, previous, memory)
        previous = memory
        cpu = 0.2 + rng.normal(0, 0.01, pods)
        out.append(
            [
                PodUsage(
                    f"ns{(p // 10) % 50}",
                    f"app{p // 10}-rs-{p}",
                    "",
                    (ContainerUsage("main", f"{int(cpu[p] * 1e9)}n", f"{int(memory[p]) // 1024}Ki"),),
                )
                for p in range(pods)
            ]
        )
    return out


def run(pods: int, count: int, timed: int, skip: float, cpu: bool, watch: bool = False) -> dict[str, object]:
    from kubemedic.service.metrics_watch import MetricsWatch

    state = cluster(pods)
    feed = readings(pods, count, skip)
    metrics = (MEMORY, CPU) if cpu else (MEMORY,)
    collector = MetricsCollector(CollectorSettings(metrics=metrics))
    whole = MetricsWatch(_unused, lambda: state, lambda: T0, collector=collector)
    times: list[float] = []
    for i, reading in enumerate(feed):
        began = time.perf_counter()
        if watch:
            whole._observe(state, T0 + 15.0 * i, reading, None, None)
        else:
            collector.observe(reading, state, T0 + 15.0 * i)
        times.append((time.perf_counter() - began) * 1000)
    tail = sorted(times[-timed:])
    return {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "pods": pods,
        "series": len(collector.series),
        "readings": count,
        "first_ms": round(times[0], 1),
        "warmup_ms": round(times[min(10, count - 1)], 1),
        "median_ms": round(statistics.median(tail), 1),
        "p95_ms": round(tail[int(0.95 * (len(tail) - 1))], 1),
        "max_ms": round(tail[-1], 1),
    }


async def _unused() -> list[PodUsage]:
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--readings", type=int, default=300)
    parser.add_argument("--timed", type=int, default=40)
    parser.add_argument("--skip", type=float, default=0.003, help="fraction of series re-read unchanged")
    parser.add_argument("--cpu", action="store_true", help="follow CPU series too")
    parser.add_argument("--watch", action="store_true", help="time MetricsWatch's whole reading")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args.pods, args.readings, min(args.timed, args.readings), args.skip, args.cpu, args.watch)
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(
        f"{report['pods']} pods, {report['series']} series, {report['readings']} readings; ms per reading: "
        f"first {report['first_ms']}, warm-up {report['warmup_ms']}, last {args.timed}: median "
        f"{report['median_ms']} p95 {report['p95_ms']} max {report['max_ms']}"
    )


if __name__ == "__main__":
    main()
