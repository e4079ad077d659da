"""Objects computed on request rather than stored: metrics.k8s.io PodMetrics and NodeMetrics.

What a container uses: its behaviour's cpu_millis and memory_mib, times
- a daily swing (sim clock, UTC): CPU +-25 %, memory +-5 %, busiest in the afternoon, each container
  a little shifted in phase, so detectors with a time-of-day baseline have a pattern to learn;
- a per-container wobble of +-15 % that changes every 15 s (one metrics-server scrape);
- rare CPU spikes: in about one 15 s scrape in 2,000 a container uses 3x its CPU.
CPU never exceeds the container's CPU limit (the kernel throttles it there). Scenarios change the
picture: a leak climbs to the memory limit (`leak_after`), a CPU-bound container sits at its CPU limit
(`cpu_at_limit`). Everything is a pure function of the object, the container and the clock, so two
reads in one scrape window agree and a test can predict what it will see.

The API server computes a list in a worker thread from a snapshot of the pods (stored objects are
never edited in place, so the snapshot holds still): working out 5,000 pods' usage takes a few hundred
milliseconds, and a real metrics-server answers from memory in a process of its own - the API server
it sits behind keeps answering writes and streaming watches meanwhile, and so does the sim.
"""

from __future__ import annotations

import asyncio
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from kubemedic.sim.behavior import Behavior
from kubemedic.sim.clock import parse_ts
from kubemedic.sim.quantity import parse_quantity
from kubemedic.sim.resources import ResourceType
from kubemedic.sim.store import Entry
from kubemedic.sim.world import World

_API = "metrics.k8s.io/v1beta1"


def _jitter(seed: str, now: float) -> float:
    """A stable per-object wobble between 0.85 and 1.15 that changes every 15 s."""
    h = zlib.crc32(f"{seed}/{int(now // 15)}".encode())
    return 0.85 + (h % 300) / 1000.0


DAY = 86_400.0
SPIKE_ONE_IN = 2000


def _daily(seed: str, now: float, amplitude: float) -> float:
    """1 +- amplitude over the day: highest around 15:00 UTC, the phase shifted up to 1 h per object."""
    shift = (zlib.crc32(seed.encode()) % 3600) / DAY
    return 1.0 + amplitude * math.sin(2 * math.pi * ((now / DAY) % 1.0 - 0.375 + shift))


def _spike(seed: str, now: float) -> float:
    """3 in about one 15 s scrape in SPIKE_ONE_IN, 1 otherwise."""
    return 3.0 if zlib.crc32(f"spike/{seed}/{int(now // 15)}".encode()) % SPIKE_ONE_IN == 0 else 1.0


def _limit(container: dict[str, object], resource: str) -> float:
    resources = container.get("resources")
    limits = resources.get("limits") if isinstance(resources, dict) else None
    value = limits.get(resource) if isinstance(limits, dict) else None
    return parse_quantity(value) if value is not None else 0.0


def _cpu_nanos(b: Behavior, container: dict[str, object], seed: str, now: float, j: float) -> int:
    limit = _limit(container, "cpu") * 1e9
    if b.cpu_at_limit and limit > 0:
        return int(limit * (0.95 + 0.05 * (zlib.crc32(f"{seed}/{int(now // 15)}/cpu".encode()) % 1000) / 999))
    nanos = b.cpu_millis * 1_000_000 * j * _daily(seed, now, 0.25) * _spike(seed, now)
    return int(min(nanos, limit) if limit > 0 else nanos)


def _leaking_bytes(
    b: Behavior, container: dict[str, object], started: float | None, seed: str, now: float
) -> int:
    """A leak's memory at `now`: memory_mib for `leak_after` s after the start, then a straight climb
    to the memory limit, reached when `run_seconds` are up; noise of +-1 % that changes on every read."""
    base = b.memory_mib * 1024 * 1024
    resources = container.get("resources")
    limits = resources.get("limits") if isinstance(resources, dict) else None
    limit = parse_quantity(limits.get("memory")) if isinstance(limits, dict) else 0.0
    age = max(0.0, now - started) if started is not None else 0.0
    climb = max(b.run_seconds - (b.leak_after or 0.0), 1e-3)
    value = float(base)
    if limit > base and b.leak_after is not None and age > b.leak_after:
        value = min(limit, base + (limit - base) * (age - b.leak_after) / climb)
    h = zlib.crc32(f"{seed}/{int(now * 1000)}".encode())
    noisy = value + base * ((h % 2001) / 1000.0 - 1.0) / 100.0
    return int(min(noisy, limit) if limit > 0 else noisy)


def _pod_usage(world: World, pod: Entry, now: float) -> list[tuple[str, int, int]]:
    """(container, nanocores, bytes) for each running container."""
    out = []
    labels = pod.labels
    statuses = {s.get("name"): s for s in (pod.obj.get("status") or {}).get("containerStatuses") or []}
    for c in pod.obj["spec"].get("containers") or []:
        st = statuses.get(c["name"]) or {}
        if "running" not in (st.get("state") or {}):
            continue
        b = world.behaviors.lookup(pod.namespace, labels, c["name"])
        seed = f"{pod.namespace}/{pod.name}/{c['name']}"
        j = _jitter(seed, now)
        memory = int(b.memory_mib * 1024 * 1024 * j * _daily(seed, now, 0.05))
        if b.leak_after is not None:
            started = parse_ts(str(st["state"]["running"].get("startedAt") or ""))
            memory = _leaking_bytes(b, c, started, seed, now)
        out.append((c["name"], _cpu_nanos(b, c, seed, now, j), memory))
    return out


def _pod_metrics(world: World, rt: ResourceType, snap: _Snapshot) -> Iterator[Entry]:
    now, stamp = snap.now, snap.stamp
    for pod in snap.pods:
        if (pod.obj.get("status") or {}).get("phase") != "Running":
            continue
        usage = _pod_usage(world, pod, now)
        if not usage:
            continue
        obj = {
            "kind": rt.kind,
            "apiVersion": _API,
            "metadata": {
                "name": pod.name,
                "namespace": pod.namespace,
                "creationTimestamp": stamp,
                "labels": pod.labels,
            },
            "timestamp": stamp,
            "window": "15.007s",
            "containers": [
                {"name": n, "usage": {"cpu": f"{cpu}n", "memory": f"{mem // 1024}Ki"}}
                for n, cpu, mem in usage
            ],
        }
        yield Entry(obj, snap.rv)


def _node_metrics(world: World, rt: ResourceType, snap: _Snapshot) -> Iterator[Entry]:
    now, stamp = snap.now, snap.stamp
    totals: dict[str, list[int]] = {}
    for pod in snap.pods:
        node = (pod.obj.get("spec") or {}).get("nodeName")
        if not node or (pod.obj.get("status") or {}).get("phase") != "Running":
            continue
        acc = totals.setdefault(node, [0, 0])
        for _, cpu, mem in _pod_usage(world, pod, now):
            acc[0] += cpu
            acc[1] += mem
    for node in snap.nodes:
        conds = {
            c.get("type"): c.get("status") for c in (node.obj.get("status") or {}).get("conditions") or []
        }
        if conds.get("Ready") != "True":
            continue
        cpu, mem = totals.get(node.name, [0, 0])
        j = _jitter(node.name, now)
        obj = {
            "kind": rt.kind,
            "apiVersion": _API,
            "metadata": {"name": node.name, "creationTimestamp": stamp, "labels": node.labels},
            "timestamp": stamp,
            "window": "20.05s",
            "usage": {
                "cpu": f"{int(cpu + 150_000_000 * j)}n",
                "memory": f"{(mem + int(900 * 1024 * 1024 * j)) // 1024}Ki",
            },
        }
        yield Entry(obj, snap.rv)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What a metrics list is computed from, taken on the event loop."""

    now: float
    stamp: str
    rv: int
    pods: list[Entry]
    nodes: list[Entry]

    @classmethod
    def take(cls, world: World, rt: ResourceType, namespace: str | None) -> _Snapshot:
        pods_ns = namespace if rt.plural == "pods" else None
        nodes = world.store.items("/nodes") if rt.plural == "nodes" else []
        now, stamp = world.clock.now(), world.clock.stamp()
        return cls(now, stamp, world.store.resource_version, world.store.items("/pods", pods_ns), nodes)


def _compute(world: World, rt: ResourceType, snap: _Snapshot) -> list[Entry]:
    if rt.plural == "pods":
        return list(_pod_metrics(world, rt, snap))
    return list(_node_metrics(world, rt, snap))


def virtual_entries(world: World, rt: ResourceType, namespace: str | None) -> list[Entry]:
    """PodMetrics or NodeMetrics as of now, computed here (the caller's thread)."""
    return _compute(world, rt, _Snapshot.take(world, rt, namespace))


async def virtual_entries_off_loop(world: World, rt: ResourceType, namespace: str | None) -> list[Entry]:
    """The same, computed and serialized in a worker thread while the event loop goes on serving."""
    snap = _Snapshot.take(world, rt, namespace)

    def work() -> list[Entry]:
        entries = _compute(world, rt, snap)
        for entry in entries:
            _ = entry.raw  # serialized there too
        return entries

    return await asyncio.to_thread(work)
