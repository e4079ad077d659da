"""The cpu-throttling scenario and the sim's usage model: the resizer's CPU sits at 95-100 % of its
200m limit on every scrape while its status is healthy; other containers swing over the day, never
exceed their CPU limit, and spike now and then; the throttling detector turns the resizer into a
finding on its Deployment."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from kubemedic.metrics.samples import CPU_CORES, Sample, SeriesId
from kubemedic.metrics.throttling import ThrottlingDetector
from kubemedic.sim import virtual
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.clock import Clock
from kubemedic.sim.config import SimConfig
from kubemedic.sim.resources import RESOURCES, ResourceType
from kubemedic.sim.scenarios import METRIC_SCENARIOS, SCENARIOS, get, names
from kubemedic.sim.simulation import Simulation
from kubemedic.sim.store import Entry
from kubemedic.sim.virtual import virtual_entries
from kubemedic.sim.world import World
from kubemedic.state import ClusterState

POD_METRICS = next(r for r in RESOURCES if r.kind == "PodMetrics")
T0 = 1_800_000_000.0


def _world(now: list[float]) -> tuple[World, Simulation]:
    world = World.create(SimConfig(scenarios=("cpu-throttling",), fault_delay=0.2), Clock(now=lambda: now[0]))
    sim = Simulation(world)
    sim.bootstrap()
    for _ in range(20):
        now[0] += 0.25
        sim.step()
    return world, sim


def _cpu(world: World) -> dict[str, float]:
    return {
        e.name: int(e.obj["containers"][0]["usage"]["cpu"].removesuffix("n")) / 1e9
        for e in virtual_entries(world, POD_METRICS, "media")
    }


def test_the_resizer_sits_at_its_cpu_limit_while_its_status_is_healthy() -> None:
    now = [T0]
    world, sim = _world(now)
    seen: list[float] = []
    for _ in range(40):  # ten minutes of scrapes
        now[0] += 15.0
        sim.step()
        usage = _cpu(world)
        assert len(usage) == 2, "both replicas report usage"
        seen += usage.values()
    assert all(0.19 <= v <= 0.2 for v in seen), (min(seen), max(seen))
    pods = [p.obj for p in world.store.items("/pods", "media")]
    assert all(p["status"]["phase"] == "Running" for p in pods)
    assert all(s["ready"] and s["restartCount"] == 0 for p in pods for s in p["status"]["containerStatuses"])


def test_the_throttling_detector_finds_it_on_the_deployment() -> None:
    now = [T0]
    world, sim = _world(now)
    state = ClusterState.build(
        [{**p.obj, "kind": kind} for kind, path in (("Pod", "/pods"), ("ReplicaSet", "apps/replicasets"),
                                                   ("Deployment", "apps/deployments"))
         for p in world.store.items(path, "media")],
        now=datetime.fromtimestamp(now[0], UTC),
    ).build_indexes()  # fmt: skip
    detector = ThrottlingDetector()
    alarms = []
    for _ in range(5):
        now[0] += 15.0
        sim.step()
        samples = [Sample(SeriesId(CPU_CORES, "Pod", "media", pod, "image-resizer"), now[0], v)
                   for pod, v in _cpu(world).items()]  # fmt: skip
        alarms += detector.observe(samples, state, now[0])
    assert {(f.object.kind, f.object.name) for f in alarms} == {("Deployment", "image-resizer")}
    assert len(alarms) == 2 and all("throttled at its CPU limit" in f.title for f in alarms)


def test_usage_swings_over_the_day_spikes_rarely_and_stays_under_the_limit() -> None:
    b = Behavior(cpu_millis=100)
    container: dict[str, object] = {"resources": {"limits": {"cpu": "250m"}}}
    day = [T0 + 900.0 * k for k in range(96)]
    cpu = [virtual._cpu_nanos(b, {}, "shop/web-1/app", t, 1.0) / 1e9 for t in day]
    assert 0.07 <= min(cpu) <= 0.08 and 0.12 <= max(cpu) <= 0.13, "+-25 % over the day"
    scrapes = [T0 + 15.0 * k for k in range(40_000)]
    spikes = [t for t in scrapes if virtual._spike("shop/web-1/app", t) > 1]
    assert 5 <= len(spikes) <= 40, "about one scrape in 2,000"
    capped = [virtual._cpu_nanos(b, container, "shop/web-1/app", t, 1.15) for t in spikes]
    assert max(capped) == 250_000_000, "a spike is held at the CPU limit"


def test_metric_only_scenarios_run_by_name_but_stay_out_of_the_state_visible_list() -> None:
    assert get("cpu-throttling") in METRIC_SCENARIOS and "cpu-throttling" in names()
    assert all(s.name != "cpu-throttling" for s in SCENARIOS)


def test_the_api_server_computes_metrics_lists_off_its_event_loop_with_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [T0]
    world, _ = _world(now)
    node_metrics = next(r for r in RESOURCES if r.kind == "NodeMetrics")
    threads: list[str] = []
    real = virtual._compute

    def spy(world: World, rt: ResourceType, snap: Any) -> list[Entry]:
        threads.append(threading.current_thread().name)
        return real(world, rt, snap)

    monkeypatch.setattr(virtual, "_compute", spy)
    for rt, ns in ((POD_METRICS, "media"), (POD_METRICS, None), (node_metrics, None)):
        expected = [e.raw for e in virtual_entries(world, rt, ns)]
        got = asyncio.run(virtual.virtual_entries_off_loop(world, rt, ns))
        assert [e.raw for e in got] == expected and expected
    main = threading.current_thread().name
    assert threads[0::2] == [main] * 3, "virtual_entries: in the caller's thread"
    assert all(t != main for t in threads[1::2]), "the API server's lists: in a worker thread"
