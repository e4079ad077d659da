"""A simulated cluster run in-process on a fake clock, read straight into a ClusterState.

The scenario tests need the state a live scan would see after a fault has settled. Running the sim's
controllers on a fake clock gets there in a fraction of a second (the slowest fault, a stuck rollout,
needs 30 simulated seconds), with no server, no network and no waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kubemedic.cluster.kinds import KINDS
from kubemedic.sim.clock import Clock
from kubemedic.sim.config import SimConfig
from kubemedic.sim.simulation import Simulation
from kubemedic.sim.world import World
from kubemedic.state import ClusterState, LogKey

START = 1_800_000_000.0


def settled_state(*scenarios: str, seconds: float = 90.0, step: float = 0.5) -> ClusterState:
    """Plant `scenarios`, run the world for `seconds` of simulated time, and read everything back."""
    now = [START]
    world = World.create(SimConfig(scenarios=scenarios, fault_delay=0.2), Clock(now=lambda: now[0]))
    sim = Simulation(world)
    sim.bootstrap()
    for _ in range(int(seconds / step)):
        now[0] += step
        sim.step()
    raws: list[dict[str, object]] = []
    seen: set[str] = set()
    for info in KINDS:
        try:
            rt = world.kind(info.kind)
        except KeyError:
            continue
        if rt.key in seen:
            continue
        seen.add(rt.key)
        for entry in world.store.items(rt.key):
            raws.append({"kind": rt.kind, **entry.obj})
    logs: dict[LogKey, str] = {}
    for (ns, pod, container), log in world.logs._logs.items():
        logs[LogKey(ns, pod, container)] = "\n".join(log.current)
        if log.previous is not None:
            logs[LogKey(ns, pod, container, previous=True)] = "\n".join(log.previous)
    return ClusterState.build(
        raws, now=datetime.fromtimestamp(now[0], UTC), logs=logs, cluster="kubemedic-sim"
    ).build_indexes()
