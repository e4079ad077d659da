"""The memory-leak scenario: what metrics.k8s.io reports for session-cache over one life and the next.

Steady near 80Mi for 25 s after its start, then a straight climb (with a little noise) to its 256Mi
limit, reached at 50 s: the kubelet's OOM kill; the container restarts and starts low again.
"""

from __future__ import annotations

import pytest

from kubemedic.sim.clock import Clock
from kubemedic.sim.config import SimConfig
from kubemedic.sim.resources import RESOURCES
from kubemedic.sim.scenarios import get
from kubemedic.sim.scenarios.memory_leak import plant_leak
from kubemedic.sim.simulation import Simulation
from kubemedic.sim.virtual import virtual_entries
from kubemedic.sim.world import World

MI = 1024 * 1024
POD_METRICS = next(r for r in RESOURCES if r.kind == "PodMetrics")


def _memory(world: World) -> float | None:
    for entry in virtual_entries(world, POD_METRICS, "shop"):
        if entry.name.startswith("session-cache"):
            (c,) = entry.obj["containers"]
            return int(c["usage"]["memory"].removesuffix("Ki")) * 1024 / MI
    return None


def _status(world: World) -> dict[str, object]:
    (pod,) = [p for p in world.store.items("/pods", "shop") if p.name.startswith("session-cache")]
    (status,) = pod.obj["status"]["containerStatuses"]
    return dict(status)


def test_memory_holds_climbs_to_the_limit_then_the_oom_kill_restarts_it_low() -> None:
    now = [1_800_000_000.0]
    world = World.create(SimConfig(scenarios=("memory-leak",), fault_delay=0.2), Clock(now=lambda: now[0]))
    sim = Simulation(world)
    sim.bootstrap()
    seen: list[tuple[float, float, int]] = []  # (seconds, MiB, restarts)
    for i in range(240):  # 60 s in 0.25 s steps
        now[0] += 0.25
        sim.step()
        mib = _memory(world)
        if mib is not None:
            restarts = _status(world).get("restartCount")
            seen.append(((i + 1) * 0.25, mib, int(restarts) if isinstance(restarts, int) else 0))
    first_life = [(t, m) for t, m, r in seen if r == 0]
    start = first_life[0][0]
    steady = [m for t, m in first_life if t - start < 24]
    assert steady and all(78 <= m <= 82 for m in steady), "steady near 80Mi, +-1 % noise"
    top = max(m for _, m in first_life)
    assert 245 <= top <= 256, f"climbs to its 256Mi limit, reached {top:.0f}Mi"
    halfway = [m for t, m in first_life if 37 <= t - start <= 38]
    assert halfway and all(150 <= m <= 190 for m in halfway), halfway
    status = _status(world)
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["reason"] == "OOMKilled"  # type: ignore[index]
    again = [m for _, m, r in seen if r == 1]
    assert again and all(m < 90 for m in again), "after the restart it starts low again"
    assert get("memory-leak").category == "oom"


def test_a_leak_must_start_before_the_kill() -> None:
    world = World.create(SimConfig(), Clock(now=lambda: 1_800_000_000.0))
    with pytest.raises(ValueError, match="leak_after"):
        plant_leak(world, leak_after=30, run_seconds=20)
