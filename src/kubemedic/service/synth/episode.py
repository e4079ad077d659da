"""One scenario (or none: the clean run) played in-process on a virtual clock, read like a live cluster.

The simulator's controllers are ticked by hand with the clock moved forward between ticks, so ten
simulated minutes take a fraction of a second and never wait on the wall clock; the sim's own tick
(0.25 s) is kept so every controller sees the pace it was written for. No server, no network: the
objects are read straight from the sim's store (the same dicts its API serves) and the pod metrics
from the function behind its metrics.k8s.io endpoint, then parsed by the same code a live read uses
(`parse_pod_metrics`, `ClusterState`). Secret values are dropped as a live read drops them.

Everything that varies comes from the seed (object names, uids, churn) and the virtual clock (metric
noise), so the same seed plays the same episode, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kubemedic.cluster.fetch import strip_secret, wanted_logs
from kubemedic.cluster.kinds import KINDS
from kubemedic.cluster.metrics_api import parse_pod_metrics
from kubemedic.metrics.collect import MetricsCollector
from kubemedic.service.models import ScanReport
from kubemedic.service.scan import scan_state
from kubemedic.sim.clock import Clock
from kubemedic.sim.config import SimConfig
from kubemedic.sim.resources import RESOURCES
from kubemedic.sim.scenarios import Scenario
from kubemedic.sim.simulation import Simulation
from kubemedic.sim.virtual import virtual_entries
from kubemedic.sim.world import World
from kubemedic.state import ClusterState, LogKey
from kubemedic.state.usage import PodUsage

START = 1_800_000_000.0  # 2027-01-15T08:00:00Z: a fixed start, so the timestamps in the files repeat
CLUSTER = "kubemedic-sim"
_POD_METRICS = next(r for r in RESOURCES if r.kind == "PodMetrics")


@dataclass(frozen=True, slots=True)
class Sample:
    """What the cluster looked like at one moment: its state, pod usage, and a scan of both."""

    at: float  # epoch seconds (simulated)
    elapsed: float  # seconds since the episode started
    state: ClusterState
    usage: tuple[PodUsage, ...]
    report: ScanReport  # analyzers + the anomaly findings of the usage read so far, correlated


class Episode:
    """A fresh simulated world with `scenario` planted `fault_after` simulated seconds after the start."""

    def __init__(self, scenario: Scenario | None, *, seed: int, fault_after: float) -> None:
        self._now = START
        config = SimConfig(
            scenarios=(scenario.name,) if scenario is not None else (), fault_delay=fault_after, seed=seed
        )
        self.world = World.create(config, Clock(now=lambda: self._now))
        self._sim = Simulation(self.world)
        self._sim.bootstrap()
        self._tick = config.tick
        self._collector = MetricsCollector()

    @property
    def now(self) -> float:
        return self._now

    def advance_to(self, elapsed: float) -> None:
        """Tick the controllers until `elapsed` simulated seconds have passed since the start."""
        target = START + elapsed
        while self._now + self._tick <= target + 1e-9:
            self._now += self._tick
            self._sim.step()
        if self._now < target:
            self._now = target
            self._sim.step()

    def sample(self) -> Sample:
        """Read the world now, feed the usage to the anomaly detectors, and scan."""
        state = self._state()
        usage = tuple(
            parse_pod_metrics({"items": [e.obj for e in virtual_entries(self.world, _POD_METRICS, None)]})
        )
        self._collector.observe(usage, state, self._now)
        report = scan_state(state, extra=self._collector.findings(self._now))
        return Sample(self._now, self._now - START, state, usage, report)

    def _state(self) -> ClusterState:
        raws: list[dict[str, Any]] = []
        seen: set[str] = set()
        for info in KINDS:
            try:
                rt = self.world.kind(info.kind)
            except KeyError:  # a kind the sim does not serve: a live cluster would list nothing either
                continue
            if rt.key in seen:
                continue
            seen.add(rt.key)
            for entry in self.world.store.items(rt.key):
                raw = {"kind": rt.kind, "apiVersion": info.api_version, **entry.obj}
                raws.append(strip_secret(raw) if rt.kind == "Secret" else raw)
        when = datetime.fromtimestamp(self._now, UTC)
        state = ClusterState.build(raws, now=when, cluster=CLUSTER)
        return state.with_logs(self._logs(state)).build_indexes()

    def _logs(self, state: ClusterState) -> dict[LogKey, str]:
        """The logs a live scan reads: troubled pods' containers, current and previous instance."""
        out: dict[LogKey, str] = {}
        for key in wanted_logs(state):
            log = self.world.logs.get(key.namespace, key.pod, key.container)
            lines = (log.previous if key.previous else log.current) if log is not None else None
            if lines is not None:
                out[key] = "\n".join(lines)
        return out
