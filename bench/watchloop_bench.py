"""CPU the monitor's event loop spends per watch change, and per stored analysis.

    python bench/watchloop_bench.py [--pods 5000] [--changes 20000] [--rounds 30] [--baseline main]

A generated cluster (bench/gen_snapshot.py) gives realistic pods (what an API server sends) and the
findings and incidents of a real analysis of it. Three measurements, in the thread that runs the
event loop (time.thread_time, so the other threads - aiosqlite's - do not count):

1. watch:    `--changes` pod MODIFIED events, one per chunk as a watch sends them, read by a
             Reflector through lightkube and httpx (a fake transport serves the bytes: no socket),
             the handler doing nothing;
2. timeline: the same, the handler doing what `serve` does per change: the monitor's bookkeeping
             and TimelineRecorder.observe (digests seeded by the initial listing). The changes are
             the simulator's churn (75 % readiness flips, 20 % restarts) plus 5 % that touch nothing
             the timeline reads (a resourceVersion and annotation bump);
3. store:    Store.apply_scan of the report on SQLite, then `--rounds` scans each with a few
             findings changed, one new, one gone and one incident changed; SQL statements per scan
             are counted too.

With `--baseline REF` the same measurements also run on `git archive REF src/` in a subprocess
(same generator, same seed), and both are printed side by side with a check that the timeline
entries are identical. Keep runs short: the machine is shared.

CPU times on a shared machine move by 20-30 % between runs; instruction counts do not. Per change:
(Ir with --changes N - Ir with --changes 0) / N, each from
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        python bench/watchloop_bench.py --only timeline --pods 1000 --changes N
(with `WATCHLOOP_BASELINE=1 PYTHONPATH=<git archive of REF>/src` for the baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import hashlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("WATCHLOOP_BASELINE"):  # set: measure the kubemedic on PYTHONPATH instead
    sys.path.insert(0, str(ROOT / "src"))

from bench.gen_snapshot import CAPTURED_AT, Gen  # noqa: E402

Obj = dict[str, Any]
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


# ---- the cluster and its churn ------------------------------------------------------------------


def cluster(pods: int, seed: int, broken: float) -> dict[str, list[Obj]]:
    gen = Gen(seed, pods, pods * 2, broken)
    gen.build()
    gen.kinds["Event"] = list(gen.events())
    return {kind: [dict(o, kind=o.get("kind") or kind) for o in items] for kind, items in gen.kinds.items()}


def churn_lines(pods: list[Obj], n: int, seed: int) -> list[bytes]:
    """`n` watch lines: MODIFIED pods changed the way the simulator's churn changes them."""
    rng = random.Random(seed)
    live = {i: copy.deepcopy(p) for i, p in enumerate(pods)}
    rv = 10_000_000
    lines = []
    for _ in range(n):
        i = rng.randrange(len(live))
        pod = live[i]
        rv += 1
        pod["metadata"]["resourceVersion"] = str(rv)
        statuses = pod.get("status", {}).get("containerStatuses") or []
        roll = rng.random()
        if roll < 0.75:
            for cs in statuses:
                cs["ready"] = not cs.get("ready")
        elif roll < 0.95:
            for cs in statuses:
                cs["restartCount"] = int(cs.get("restartCount", 0)) + 1
                cs["lastState"] = {
                    "terminated": {"exitCode": 137, "reason": "Error", "finishedAt": CAPTURED_AT}
                }
                cs["state"] = {"running": {"startedAt": CAPTURED_AT}}
        else:
            pod["metadata"].setdefault("annotations", {})["bench/touched"] = str(rv)
        lines.append(orjson.dumps({"type": "MODIFIED", "object": pod}) + b"\n")
    return lines


class Replay(httpx2.AsyncBaseTransport):
    """Answers the watch request with the prepared lines, one chunk each, then ends the stream."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines

    async def handle_async_request(self, _request: httpx2.Request) -> httpx2.Response:
        lines = self.lines

        class Body(httpx2.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                for line in lines:
                    yield line

        return httpx2.Response(200, headers={"content-type": "application/json"}, stream=Body())


# ---- 1 + 2: the reflector and the timeline ------------------------------------------------------


async def reflect(
    lines: list[bytes], seed_pods: list[Obj], with_timeline: bool, collector: bool
) -> tuple[float, int, str]:
    """(CPU seconds in this thread, timeline entries, digest of the entries' texts).

    `collector`: the cyclic GC runs as in serve, which collects and freezes the survivors after an
    analysis (so the automatic passes walk only what is newer); else it is off (the work alone)."""
    from lightkube import AsyncClient, KubeConfig

    from kubemedic.cluster.kinds import KIND_BY_NAME
    from kubemedic.cluster.reflector import Change, Reflector
    from kubemedic.service.timeline import TimelineRecorder

    config = KubeConfig.from_dict(
        {
            "clusters": [{"name": "b", "cluster": {"server": "http://127.0.0.1:9"}}],
            "users": [{"name": "b", "user": {"token": "bench"}}],
            "contexts": [{"name": "b", "context": {"cluster": "b", "user": "b"}}],
            "current-context": "b",
        }
    )
    client = AsyncClient(config)
    client._client._client._transport = Replay(lines)  # type: ignore[attr-defined]
    recorder = TimelineRecorder(None, clock=lambda: T0, max_pending=10**9)  # type: ignore[arg-type]
    delta: dict[tuple[str, str, str], Obj | None] = {}

    def changed(change: Change) -> None:  # what ClusterMonitor._changed does, then the recorder
        raw = change.object
        meta = raw.get("metadata") or {}
        delta[(change.kind, str(meta.get("namespace") or ""), str(meta.get("name") or ""))] = raw
        recorder.observe("bench", change, False)

    def nothing(_change: Change) -> None:
        return None

    for pod in seed_pods:
        recorder.observe("bench", Change("ADDED", "Pod", copy.deepcopy(pod)), True)
    reflector = Reflector(client, KIND_BY_NAME["Pod"], changed if with_timeline else nothing)
    reflector.resource_version = "1"
    gc.collect()
    gc.freeze()
    if not collector:
        gc.disable()
    try:
        started = time.thread_time()
        await reflector._watch_once(asyncio.Event())
        cpu = time.thread_time() - started
    finally:
        gc.enable()
        gc.unfreeze()
    assert reflector.stats.events == len(lines), reflector.stats
    entries = recorder.buffered()
    text = hashlib.sha256("\n".join(f"{e.name} {e.type} {e.text} {e.data}" for e in entries).encode())
    await client.close()
    return cpu, len(entries), text.hexdigest()[:16]


# ---- 3: the store ---------------------------------------------------------------------------------


def report(objects: dict[str, list[Obj]]) -> tuple[list[Any], list[Any]]:
    from kubemedic.analyzers.run import run_analyzers
    from kubemedic.correlate import correlate
    from kubemedic.state import ClusterState
    from kubemedic.state.cluster_state import make_view
    from kubemedic.state.timeutil import parse_time

    now = parse_time(CAPTURED_AT)
    views = [make_view(o, kind) for kind, items in objects.items() for o in items]
    state = ClusterState(views, now=now)
    result = correlate(state, run_analyzers(state))
    return list(result.findings), list(result.incidents)


async def store_rounds(findings: list[Any], incidents: list[Any], rounds: int, seed: int) -> dict[str, float]:
    from sqlalchemy import event

    from kubemedic.store import Store

    rng = random.Random(seed)
    statements = 0
    with tempfile.TemporaryDirectory(prefix="watchloop-") as tmp:
        async with Store.open(f"sqlite+aiosqlite:///{tmp}/bench.db") as store:

            def count(*_: Any) -> None:
                nonlocal statements
                statements += 1

            event.listen(store.engine.sync_engine, "before_cursor_execute", count)
            started = time.thread_time()
            await store.apply_scan("bench", findings, incidents, T0)
            first_cpu = time.thread_time() - started
            first_statements, statements = statements, 0
            cpu: list[float] = []
            current, spare = list(findings), None
            for r in range(rounds):
                now = T0 + timedelta(seconds=r + 1)
                scan = list(current)
                for i in rng.sample(range(len(scan)), 3):  # a count or a message moved on
                    scan[i] = replace(scan[i], message=f"{scan[i].message} (round {r})")
                gone = scan.pop(rng.randrange(len(scan)))  # one resolved ...
                if spare is not None:
                    scan.append(spare)  # ... and the one resolved last round reopens
                spare = gone
                incs = list(incidents)
                if incs:
                    j = rng.randrange(len(incs))
                    incs[j] = replace(incs[j], root_cause=f"{incs[j].root_cause} ({r})")
                started = time.thread_time()
                await store.apply_scan("bench", scan, incs, now)
                cpu.append(time.thread_time() - started)
            stored = await store.findings(cluster="bench", status="open", limit=1000)
    return {
        "findings": len(findings),
        "incidents": len(incidents),
        "first_ms": first_cpu * 1000,
        "first_statements": first_statements,
        "scan_ms": statistics.median(cpu) * 1000,
        "statements": statements / max(1, rounds),
        "open_after": len(stored.items),
    }


# ---- driver ---------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict[str, Any]:
    objects = cluster(args.pods, args.seed, args.broken)
    pods = objects["Pod"]
    lines = churn_lines(pods, args.changes, args.seed)
    if args.only:  # one pass, nothing else (for counting instructions under valgrind)
        cpu, entries, _ = asyncio.run(reflect(lines, pods, args.only == "timeline", True))
        return {"cpu_s": cpu, "entries": entries}
    out: dict[str, Any] = {"changes": args.changes, "bytes_per_change": sum(map(len, lines)) / len(lines)}
    for collector, suffix in ((True, ""), (False, "_nogc")):
        runs = [asyncio.run(reflect(lines, pods, False, collector)) for _ in range(args.repeat)]
        watch_cpu = min(cpu for cpu, _, _ in runs)
        runs = [asyncio.run(reflect(lines, pods, True, collector)) for _ in range(args.repeat)]
        full_cpu = min(cpu for cpu, _, _ in runs)
        out.update(
            {
                f"watch_us{suffix}": watch_cpu / args.changes * 1e6,
                f"timeline_us{suffix}": (full_cpu - watch_cpu) / args.changes * 1e6,
                f"total_us{suffix}": full_cpu / args.changes * 1e6,
                "entries": runs[0][1],
                "entries_digest": runs[0][2],
            }
        )
    findings, incidents = report(objects)
    out.update(asyncio.run(store_rounds(findings, incidents, args.rounds, args.seed)))
    return out


def baseline(ref: str, argv: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="watchloop-base-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "src/kubemedic"], check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        env = dict(os.environ, WATCHLOOP_BASELINE="1", PYTHONPATH=f"{tmp}/src")
        done = subprocess.run(
            [sys.executable, __file__, "--json", *argv], env=env, check=True, capture_output=True, text=True
        )
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


ROWS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("watch_us", "watch: reflector, no handler   CPU us/change", lambda v: f"{v:8.1f}"),
    ("timeline_us", "timeline: bookkeeping + observe CPU us/change", lambda v: f"{v:8.1f}"),
    ("total_us", "watch + timeline               CPU us/change", lambda v: f"{v:8.1f}"),
    ("watch_us_nogc", "  the same, GC off: watch       CPU us/change", lambda v: f"{v:8.1f}"),
    ("timeline_us_nogc", "  the same, GC off: timeline    CPU us/change", lambda v: f"{v:8.1f}"),
    ("total_us_nogc", "  the same, GC off: both        CPU us/change", lambda v: f"{v:8.1f}"),
    ("entries", "timeline entries", lambda v: f"{v:8d}"),
    ("entries_digest", "timeline entries digest", lambda v: f"{v:>16}"),
    ("first_ms", "apply_scan, first (all new)    CPU ms", lambda v: f"{v:8.1f}"),
    ("first_statements", "  SQL statements", lambda v: f"{v:8.0f}"),
    ("scan_ms", "apply_scan, a few changes      CPU ms (median)", lambda v: f"{v:8.1f}"),
    ("statements", "  SQL statements per scan", lambda v: f"{v:8.1f}"),
    ("open_after", "open findings after the rounds", lambda v: f"{v:8d}"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--broken", type=float, default=0.17, help="fraction of broken pods (0.17: about 440 findings)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each watch measurement (min is kept)")
    parser.add_argument("--baseline", help="a git ref to measure too (e.g. main)")
    parser.add_argument(
        "--only",
        choices=("watch", "timeline"),
        help="one pass of the reflector (with the timeline), nothing else: for instruction counts",
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    argv = [
        f"--pods={args.pods}",
        f"--changes={args.changes}",
        f"--rounds={args.rounds}",
        f"--seed={args.seed}",
        f"--repeat={args.repeat}",
        f"--broken={args.broken}",
    ]
    before = baseline(args.baseline, argv) if args.baseline else None
    now = measure(args)
    if args.json or args.only:
        print(json.dumps(now))
        return
    print(
        f"{args.pods} pods, {now['changes']} pod changes ({now['bytes_per_change']:.0f} bytes each); "
        f"{now['findings']} findings, {now['incidents']} incidents, {args.rounds} scans"
    )
    head = f"{'':48} {'before (' + args.baseline + ')':>16} {'after':>16}" if before else ""
    if head:
        print(head)
    for key, label, fmt in ROWS:
        cells = ([fmt(before[key])] if before else []) + [fmt(now[key])]
        print(f"{label:48} " + " ".join(f"{c:>16}" for c in cells))
    if before:
        same = before["entries_digest"] == now["entries_digest"]
        print("timeline entries identical:", "yes" if same else "NO")
        for key in ("watch_us", "timeline_us", "total_us", "total_us_nogc", "scan_ms"):
            print(f"{key}: {before[key] / now[key]:.2f}x less CPU")


if __name__ == "__main__":
    main()
