"""How much incremental analysis saves: one analysis window of a busy cluster, full vs incremental.

    python bench/incremental_bench.py [--pods 5000] [--events 20000] [--changes 40] [--windows 30] [--freeze]

A generated cluster (bench/gen_snapshot.py: deployments of 50 pods, services, some broken pods,
events) takes `--windows` windows of churn like the simulator's (`sim --churn`): in each, `--changes`
pods flip readiness, restart or get a warning event, and each touched Deployment's status follows.
Each window is analyzed twice on the same state: everything (state built from scratch + all analyzers
+ correlation) and incrementally (state evolved from the previous one + the scope plan + analyzers
on the focused state + correlation), and both results are checked to be the same findings. A third
figure is what the monitor's periodic full pass costs: all analyzers + correlation on the evolved state,
whose unchanged objects' views (and what was worked out on them) are the previous windows' ones.
Prints medians and the ratio; no network, no store - the analysis alone. `--freeze` collects and freezes
the garbage collector's survivors after the setup and after each window, as `serve` does: without it,
the cyclic collector's passes over the whole state land in whichever step allocates.
"""

from __future__ import annotations

import argparse
import copy
import gc
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gen_snapshot import CAPTURED_AT, Gen
from kubemedic.analyzers.run import run_analyzers
from kubemedic.correlate import correlate
from kubemedic.service.incremental import IncrementalAnalysis
from kubemedic.state import ClusterState
from kubemedic.state.cluster_state import make_view
from kubemedic.state.evolve import evolve
from kubemedic.state.timeutil import parse_time

Obj = dict[str, Any]
Key = tuple[str, str, str]


def key_of(raw: Obj) -> Key:
    meta = raw["metadata"]
    return (raw["kind"], meta.get("namespace") or "", meta["name"])


def churn(objects: dict[Key, Obj], pods: list[Key], rng: random.Random, n: int) -> set[Key]:
    changed: set[Key] = set()
    for _ in range(n):
        key = rng.choice(pods)
        pod = copy.deepcopy(objects[key])
        objects[key] = pod
        changed.add(key)
        roll = rng.random()
        statuses = pod.get("status", {}).get("containerStatuses") or []
        if roll < 0.75:
            for cs in statuses:
                cs["ready"] = not cs.get("ready")
        elif roll < 0.95:
            for cs in statuses:
                cs["restartCount"] = int(cs.get("restartCount", 0)) + 1
                cs["lastState"] = {
                    "terminated": {"exitCode": 137, "reason": "Error", "finishedAt": CAPTURED_AT}
                }
        else:
            meta = pod["metadata"]
            event = {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {
                    "name": f"{meta['name']}.{uuid.uuid4().hex[:10]}",
                    "namespace": meta["namespace"],
                },
                "involvedObject": {
                    "kind": "Pod",
                    "namespace": meta["namespace"],
                    "name": meta["name"],
                    "uid": meta.get("uid", ""),
                },
                "reason": "Unhealthy",
                "message": "Readiness probe failed: HTTP probe failed with statuscode: 503",
                "type": "Warning",
                "lastTimestamp": CAPTURED_AT,
            }
            objects[key_of(event)] = event
            changed.add(key_of(event))
        owner = (pod["metadata"].get("ownerReferences") or [{}])[0]
        rs = objects.get(("ReplicaSet", key[1], owner.get("name", "")))
        dep_ref = (rs or {}).get("metadata", {}).get("ownerReferences") or [{}]
        dep_key = ("Deployment", key[1], dep_ref[0].get("name", ""))
        if dep_key in objects:
            dep = copy.deepcopy(objects[dep_key])
            status = dep.setdefault("status", {})
            status["readyReplicas"] = max(0, int(status.get("readyReplicas", 0)) + rng.choice((-1, 1)))
            objects[dep_key] = dep
            changed.add(dep_key)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--changes", type=int, default=40, help="pod changes per window (200/s x 0.2 s)")
    parser.add_argument("--windows", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--freeze", action="store_true", help="collect and freeze after each window")
    args = parser.parse_args()

    gen = Gen(args.seed, args.pods, args.events, 0.03)
    gen.build()
    gen.kinds["Event"] = list(gen.events())
    objects = {
        key_of(o): o
        for kind, items in gen.kinds.items()
        for o in (dict(x, kind=x.get("kind") or kind) for x in items)
    }
    pods = [k for k in objects if k[0] == "Pod" and k[1] != "kube-system"]
    now = parse_time(CAPTURED_AT)
    assert now is not None
    rng = random.Random(args.seed)
    views = {k: make_view(o, k[0]) for k, o in objects.items()}
    state = ClusterState(list(views.values()), now=now)
    engine = IncrementalAnalysis(full_every_s=float("inf"))
    engine.run(state, ())
    if args.freeze:
        gc.collect()
        gc.freeze()
    full_ms: list[float] = []
    inc_ms: list[float] = []
    evolved_ms: list[float] = []
    scopes: list[int] = []
    print(f"{len(objects)} objects, {args.pods} pods; {args.changes} pod changes per window", flush=True)
    for _ in range(args.windows):
        changed = churn(objects, pods, rng, args.changes)
        fresh = [make_view(objects[k], k[0]) for k in changed]
        for view in fresh:
            views[(view.kind, view.namespace, view.name)] = view

        started = time.perf_counter()
        whole = ClusterState(list(views.values()), now=now)
        expected = correlate(whole, run_analyzers(whole))
        full_ms.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        state = evolve(state, fresh, (), now=now)
        run = engine.run(state, changed)
        got = correlate(state, list(run.findings))
        inc_ms.append((time.perf_counter() - started) * 1000)
        scopes.append(run.scope)
        if {f.id for f in got.findings} != {f.id for f in expected.findings}:
            raise SystemExit("incremental and full analyses disagree")

        started = time.perf_counter()
        periodic = correlate(state, run_analyzers(state))
        evolved_ms.append((time.perf_counter() - started) * 1000)
        if {f.id for f in periodic.findings} != {f.id for f in expected.findings}:
            raise SystemExit("a full analysis of the evolved state disagrees")
        if args.freeze:
            gc.collect()
            gc.freeze()
    f, i = statistics.median(full_ms), statistics.median(inc_ms)
    print(f"full analysis        median {f:7.1f} ms  p90 {sorted(full_ms)[int(0.9 * len(full_ms))]:7.1f} ms")
    print(
        f"incremental analysis median {i:7.1f} ms  p90 {sorted(inc_ms)[int(0.9 * len(inc_ms))]:7.1f} ms"
        f"  (median scope {statistics.median(scopes):.0f} objects)"
    )
    e = statistics.median(evolved_ms)
    print(f"full analysis of the evolved state (periodic pass) median {e:7.1f} ms")
    print(f"ratio full / incremental: {f / i:.1f}x")


if __name__ == "__main__":
    main()
