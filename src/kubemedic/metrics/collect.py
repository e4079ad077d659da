"""Pod usage readings -> one detector per container series -> anomaly findings on the workload.

Every reading of the metrics API (a list of PodUsage) gives each running container two points: its
memory working set (bytes) and its CPU (cores). Each (namespace, pod, container, metric) is one series,
a row of a detector bank (see MetricsCollector). The container's limit from the pod spec is the trend
test's limit, so a memory leak gets an ETA to its OOM kill and a CPU climb an ETA to throttling. The
points are stamped with the collector's clock at the reading, not the API's scrape time (which metrics-
server rounds to seconds), so series never go back in time. A value exactly equal to the series'
previous one is the same scrape read again (metrics-server serves one scrape until its next, every 15 s
by default; polling faster re-reads it), not a new point: fed twice, it would fake a series that never
moves and shrink the noise the detectors measure.

An alarm becomes a Finding (metrics.findings) on the pod's top owner - the Deployment people name and
fix, and the unit the correlator groups the OOMKilled finding under, so both land in one incident.
A finding stays current for `hold_seconds` after its alarm (the detectors raise one alarm per
anomaly, not one per point); while the series keeps heading for its limit the finding is refreshed
with the latest ETA and held on (the first ETA of a climb is rough: the trend's window is then still
half flat; it converges as the window fills with the climb). Series of pods that left the cluster are dropped.

Unreadable usage (a quantity that is not one, a pod the state does not know yet) never stops the
collection: the point is skipped and the reason logged once per series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import structlog

from kubemedic.domain import Finding, ObjectRef
from kubemedic.metrics import bank_rows
from kubemedic.metrics.contract import DetectorSettings
from kubemedic.metrics.detection import Detection
from kubemedic.metrics.detectors import trend
from kubemedic.metrics.engine import BankStep, DetectorBank, DetectorSpec, FloatArray, IntArray
from kubemedic.metrics.findings import anomaly_finding
from kubemedic.metrics.quantity import container_limit, quantity
from kubemedic.state import ClusterState, Pod
from kubemedic.state.usage import PodUsage

MEMORY = "memory"
CPU = "cpu"

# A container's usage has no daily profile worth waiting a day for (it restarts, it is rescheduled):
# the trend test on a plain rolling baseline, with the container's limit as its limit.
CONTAINER_TREND = DetectorSpec(
    "container-trend",
    "robust slope over 240 points vs usual wander, no seasonality; ETA to the container's limit",
    (trend.CHECK,),
    seasonal=False,
)


@dataclass(frozen=True, slots=True)
class SeriesKey:
    namespace: str
    pod: str
    container: str
    metric: str  # MEMORY (bytes) or CPU (cores)

    def label(self) -> str:
        """How findings name the series: `memory of pod/container`."""
        return f"{self.metric} of {self.pod}/{self.container}"


@dataclass(frozen=True, slots=True)
class CollectorSettings:
    """spec: the detector each series runs; sensitivity: its DetectorSettings.sensitivity;
    hold_seconds: how long an alarm stays a current finding;
    imminent_factor, confirm_points: the imminent-limit rule (0 turns it off; see `_imminent`)."""

    spec: DetectorSpec = CONTAINER_TREND
    sensitivity: float = 1.0
    hold_seconds: float = 3600.0
    imminent_factor: float = 2.0
    confirm_points: int = 4
    # Which usage to follow. Memory is what kills (a leak -> OOM ETA); CPU above its limit is throttled,
    # not killed, so its series are opt-in (at 5,000 pods each resource costs ~40 ms per read).
    metrics: tuple[str, ...] = (MEMORY,)

    def __post_init__(self) -> None:
        unknown = set(self.metrics) - {MEMORY, CPU}
        if unknown:
            raise ValueError(f"unknown metrics {sorted(unknown)}; use {MEMORY!r} and/or {CPU!r}")
        if not self.hold_seconds > 0:
            raise ValueError(f"hold_seconds must be positive, got {self.hold_seconds}")
        if not (self.imminent_factor >= 0 and math.isfinite(self.imminent_factor)):
            raise ValueError(f"imminent_factor must be >= 0, got {self.imminent_factor}")
        if self.confirm_points < 1:
            raise ValueError(f"confirm_points must be at least 1, got {self.confirm_points}")


@dataclass(frozen=True, slots=True)
class Observed:
    """What one reading did: new points fed, unreadable points skipped (why is logged), alarms."""

    points: int
    skipped: int
    alarms: tuple[Finding, ...]


@dataclass(slots=True, eq=False)
class _Series:
    key: SeriesKey
    limit: float | None
    cohort: _Cohort | None = None
    row: int = -1
    last_t: float = -math.inf
    last_value: float = math.nan
    streak: int = 0  # consecutive points whose ETA is imminent
    imminent_armed: bool = True


@dataclass(slots=True, eq=False)
class _Cohort:
    """Series that share one DetectorBank, one row each (None: a free row, fed a dummy point)."""

    bank: DetectorBank
    members: list[_Series | None]
    fed_rows: list[int] = field(default_factory=list)  # this reading's points
    fed_values: list[float] = field(default_factory=list)

    def alive(self) -> int:
        return sum(1 for m in self.members if m is not None)


@dataclass(slots=True)
class _Alarm:
    finding: Finding
    at: float


@dataclass(slots=True)
class MetricsCollector:
    """The series bookkeeping of the metrics collection; `observe` each reading, ask `findings`.

    Series are rows of detector banks (cohorts), advanced together with numpy, one update per bank
    per reading: a reading of 5,000 containers costs milliseconds, not the ~0.35 s of one
    StreamingDetector per series. Series start in a bank of the series new at that reading; once
    its windows are full (mature) a bank's series move into the main bank. A series that has no new
    point in a reading keeps its state untouched: in a mature bank its rows are set aside and put back
    after the update; in a young one it moves to a bank of its own count. `bank_rows` holds moved
    rows to exactly the answers a StreamingDetector per series gives (tests compare them).

    `observe` may run in a worker thread (thousands of series cost CPU) while `findings` is asked on
    the event loop: `findings` only reads, and takes its copy in one step."""

    settings: CollectorSettings = field(default_factory=CollectorSettings)
    # by (namespace, pod, container, metric): a plain tuple hashes much faster than a SeriesKey
    _series: dict[tuple[str, str, str, str], _Series] = field(default_factory=dict)
    _cohorts: list[_Cohort] = field(default_factory=list)
    _tracked: set[_Series] = field(default_factory=set)  # mid imminent-limit streak, or disarmed
    _alarms: dict[SeriesKey, _Alarm] = field(default_factory=dict)
    _seen_state: ClusterState | None = None
    _warned: set[tuple[SeriesKey | tuple[str, str], str]] = field(default_factory=set)
    _log: structlog.typing.FilteringBoundLogger = field(
        default_factory=lambda: structlog.get_logger("kubemedic.metrics")
    )

    @property
    def series(self) -> tuple[SeriesKey, ...]:
        return tuple(s.key for s in self._series.values())

    @property
    def banks(self) -> int:
        """How many detector banks hold the series (for tests and benchmarks)."""
        return len(self._cohorts)

    def limit(self, key: SeriesKey) -> float | None:
        found = self._series.get((key.namespace, key.pod, key.container, key.metric))
        return found.limit if found else None

    def observe(self, pods: Sequence[PodUsage], state: ClusterState, now: float) -> Observed:
        """Feed one reading taken at `now` (epoch seconds); `state` gives limits and owners."""
        points = skipped = 0
        fresh: list[tuple[_Series, float]] = []
        followed = self.settings.metrics
        use_memory, use_cpu = MEMORY in followed, CPU in followed
        for usage in pods:
            pod = state.get("Pod", usage.namespace, usage.name)
            if not isinstance(pod, Pod):
                self._warn((usage.namespace, usage.name), "pod not in the cluster state yet, usage skipped")
                skipped += len(usage.containers)
                continue
            for c in usage.containers:
                if use_memory:
                    key = (usage.namespace, usage.name, c.name, MEMORY)
                    skipped += self._point(key, c.memory, pod, now, fresh)
                if use_cpu:
                    key = (usage.namespace, usage.name, c.name, CPU)
                    skipped += self._point(key, c.cpu, pod, now, fresh)
        if fresh:
            self._start_cohort(fresh)
        alarms: list[Finding] = []
        for cohort in list(self._cohorts):
            points += len(cohort.fed_rows)
            if cohort.fed_rows:
                alarms.extend(self._advance(cohort, state, now))
        self._forget_gone(state)
        self._tidy()
        hold = self.settings.hold_seconds
        for stale in [k for k, a in self._alarms.items() if now - a.at > hold]:
            del self._alarms[stale]
        return Observed(points, skipped, tuple(alarms))

    def findings(self, now: float) -> tuple[Finding, ...]:
        """The alarms raised in the last `hold_seconds`, as findings (newest alarm per series)."""
        hold = self.settings.hold_seconds
        held = tuple(self._alarms.values())  # one C-level copy: safe while `observe` runs in a thread
        return tuple(a.finding for a in held if now - a.at <= hold)

    def _point(
        self,
        key: tuple[str, str, str, str],
        text: str,
        pod: Pod,
        now: float,
        fresh: list[tuple[_Series, float]],
    ) -> int:
        """Queue one point for its series' bank; 1 when it was unreadable (skipped), else 0."""
        try:
            value = quantity(text)
        except ValueError as exc:
            self._warn(SeriesKey(*key), f"usage skipped: {exc}")
            return 1
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series(SeriesKey(*key), container_limit(pod, key[2], key[3]))
        if now < series.last_t or value == series.last_value:
            return 0  # a clock that stepped back, or the same scrape read again
        series.last_t, series.last_value = now, value
        cohort = series.cohort
        if cohort is None:
            fresh.append((series, value))
        else:
            cohort.fed_rows.append(series.row)
            cohort.fed_values.append(value)
        return 0

    def _bank(self, rows: int, limits: FloatArray) -> DetectorBank:
        settings = DetectorSettings(sensitivity=self.settings.sensitivity)
        return DetectorBank(self.settings.spec, rows, settings, limits)

    def _start_cohort(self, fresh: list[tuple[_Series, float]]) -> None:
        limits = np.array([math.nan if s.limit is None else s.limit for s, _ in fresh])
        cohort = _Cohort(self._bank(len(fresh), limits), [s for s, _ in fresh])
        for row, (series, value) in enumerate(fresh):
            series.cohort, series.row = cohort, row
            cohort.fed_rows.append(row)
            cohort.fed_values.append(value)
        self._cohorts.append(cohort)

    def _advance(self, cohort: _Cohort, state: ClusterState, now: float) -> list[Finding]:
        """One update of the cohort's bank with this reading's points; the alarms it raised."""
        bank = cohort.bank
        fed = np.zeros(bank.rows, dtype=bool)
        fed_rows = np.asarray(cohort.fed_rows, dtype=np.int64)
        fed[fed_rows] = True
        x = np.zeros(bank.rows)
        x[fed_rows] = cohort.fed_values
        cohort.fed_rows, cohort.fed_values = [], []
        idle = np.asarray(
            [i for i, m in enumerate(cohort.members) if m is not None and not fed[i]], dtype=np.int64
        )
        set_aside = None
        if idle.size:
            set_aside = bank_rows.take(bank, idle)
            if not bank_rows.mature(bank):  # a young bank: the idle series move to one of their count
                self._split(cohort, idle, set_aside)
                set_aside = None
        with np.errstate(all="ignore"):  # free rows are fed a dummy point; their answers are not read
            step = bank.update(np.full(bank.rows, now), x)
        if set_aside is not None:
            bank_rows.put(bank, idle, set_aside)
        fired = step.fired & fed
        # Rows with something to do: an alarm, an ETA within the imminent rule's horizon, a series
        # mid-streak, or one whose held alarm is refreshed with its ETA. Every other row is a no-op.
        factor = self.settings.imminent_factor
        with np.errstate(invalid="ignore"):
            near = step.eta <= factor * (step.window_end - step.window_start)
        rows = set(np.flatnonzero(fired | (fed & near)).tolist())
        rows.update(s.row for s in self._tracked if s.cohort is cohort and fed[s.row])
        for key in self._alarms:
            held = self._series.get((key.namespace, key.pod, key.container, key.metric))
            if (
                held is not None
                and held.cohort is cohort
                and fed[held.row]
                and math.isfinite(step.eta[held.row])
            ):
                rows.add(held.row)
        alarms = []
        for row in sorted(rows):
            series = cohort.members[row]
            if series is not None:
                alarm = self._judge(
                    series, _detection(bank, step, row, now, float(x[row]), bool(fired[row])), state
                )
                if alarm is not None:
                    alarms.append(alarm)
        return alarms

    def _split(self, cohort: _Cohort, idle: IntArray, state: bank_rows.BankRows) -> None:
        settings = DetectorSettings(sensitivity=self.settings.sensitivity)
        moved = _Cohort(bank_rows.load(self.settings.spec, settings, state), [])
        for new_row, old_row in enumerate(idle.tolist()):
            series = cohort.members[old_row]
            assert series is not None
            cohort.members[old_row] = None
            series.cohort, series.row = moved, new_row
            moved.members.append(series)
        self._cohorts.append(moved)

    def _judge(self, series: _Series, detection: Detection, state: ClusterState) -> Finding | None:
        """The finding side of one point: a new alarm, a held alarm refreshed, or nothing."""
        key = series.key
        if self._imminent(series, detection):
            detection = replace(detection, fired=True)
        if series.streak > 0 or not series.imminent_armed:
            self._tracked.add(series)
        else:
            self._tracked.discard(series)
        if not detection.fired:
            held = self._alarms.get(key)
            if held is not None and detection.eta_seconds is not None:
                # Still heading for the limit: the same finding with the newer (better) ETA, held on.
                owner = _owner(state, key)
                if owner is not None:
                    fresh = anomaly_finding(replace(detection, fired=True), owner, key.label())
                    if fresh.id == held.finding.id:
                        held.finding, held.at = fresh, detection.timestamp
            return None
        owner = _owner(state, key)
        if owner is None:
            return None
        finding = anomaly_finding(detection, owner, key.label())
        self._alarms[key] = _Alarm(finding, detection.timestamp)
        self._log.info(
            "anomaly", series=key.label(), namespace=key.namespace, title=finding.title,
            eta_seconds=detection.eta_seconds,
        )  # fmt: skip
        return finding

    def _imminent(self, series: _Series, detection: Detection) -> bool:
        """The imminent-limit rule: an alarm when the limit is forecast within `imminent_factor` x
        the time the baseline window covers (2 x 120 points: the span the trend was fitted on - no
        forecast further than the data behind it) on `confirm_points` points in a row.

        The trend test alarms on a climb that is unusual for the series; a container that leaks from
        its start has always climbed, so its first window teaches the test that climbing is usual,
        and its OOM kills would never be foretold. This rule does not ask whether the climb is usual,
        only whether the limit is near. Re-armed once the ETA is gone or twice as far (the kill and
        restart drop the series). Measured: a leak from the start on 15 s points is foretold 1 h
        before each kill; no alarm on 300 series-days of noise (15 s points, limit 1.1-2x the level).
        A point with no ETA on an armed series with no streak changes nothing here, so `observe`
        only asks about points with an ETA, alarms and series mid-streak (`_tracked`).
        """
        factor = self.settings.imminent_factor
        eta = detection.eta_seconds
        if factor <= 0 or series.limit is None:
            return False
        horizon = factor * (detection.window_end - detection.window_start)
        if eta is not None and eta <= horizon:
            series.streak += 1
        else:
            series.streak = 0
            if eta is None or eta > 2 * horizon:
                series.imminent_armed = True
        if detection.fired and eta is not None:
            series.imminent_armed = False  # the detector foretold this climb itself
            return False
        if series.imminent_armed and series.streak >= self.settings.confirm_points:
            series.imminent_armed = False
            return True
        return False

    def _forget_gone(self, state: ClusterState) -> None:
        if state is self._seen_state:  # a ClusterState never changes: nothing left since last time
            return
        self._seen_state = state
        gone = [(k, s) for k, s in self._series.items() if state.get("Pod", k[0], k[1]) is None]
        for k, series in gone:
            del self._series[k]
            self._tracked.discard(series)
            if series.cohort is not None:
                series.cohort.members[series.row] = None
                series.cohort = None

    def _tidy(self) -> None:
        """Drop empty banks; move the series of mature banks into the main (largest mature) bank;
        compact the main bank when most of its rows are free."""
        alive = {id(c): c.alive() for c in self._cohorts}
        self._cohorts = [c for c in self._cohorts if alive[id(c)]]
        ripe = [c for c in self._cohorts if bank_rows.mature(c.bank)]
        if len(ripe) > 1:
            main = max(ripe, key=lambda c: alive[id(c)])
            for cohort in ripe:
                if cohort is not main:
                    self._merge(main, cohort)
            self._cohorts = [c for c in self._cohorts if c is main or c not in ripe]
        elif not ripe:
            return
        main = max(ripe, key=lambda c: alive[id(c)])
        alive_rows = main.alive()
        if main.bank.rows - alive_rows > max(64, alive_rows):
            self._compact(main)

    def _merge(self, main: _Cohort, other: _Cohort) -> None:
        rows = np.asarray([i for i, m in enumerate(other.members) if m is not None], dtype=np.int64)
        state = bank_rows.take(other.bank, rows)
        free = [i for i, m in enumerate(main.members) if m is None]
        if len(free) < rows.size:
            extra = max(rows.size - len(free), main.bank.rows // 2)
            first = main.bank.rows
            bank_rows.grow(main.bank, extra)
            main.members.extend([None] * extra)
            free += range(first, first + extra)
        slots = free[: rows.size]
        bank_rows.put(main.bank, np.asarray(slots, dtype=np.int64), state)
        for slot, row in zip(slots, rows.tolist(), strict=True):
            series = other.members[row]
            assert series is not None
            series.cohort, series.row = main, slot
            main.members[slot] = series
            other.members[row] = None

    def _compact(self, main: _Cohort) -> None:
        rows = np.asarray([i for i, m in enumerate(main.members) if m is not None], dtype=np.int64)
        settings = DetectorSettings(sensitivity=self.settings.sensitivity)
        main.bank = bank_rows.load(self.settings.spec, settings, bank_rows.take(main.bank, rows))
        members = [main.members[i] for i in rows.tolist()]
        for new_row, series in enumerate(members):
            assert series is not None
            series.row = new_row
        main.members = list(members)

    def _warn(self, key: SeriesKey | tuple[str, str], problem: str) -> None:
        if (key, problem) in self._warned:
            return
        self._warned.add((key, problem))
        where = key.label() if isinstance(key, SeriesKey) else f"pod {key[1]}"
        namespace = key.namespace if isinstance(key, SeriesKey) else key[0]
        self._log.warning("metrics", series=where, namespace=namespace, problem=problem)


def _detection(bank: DetectorBank, step: BankStep, row: int, t: float, x: float, fired: bool) -> Detection:
    """Row `row` of a bank's update as the Detection a StreamingDetector would have returned."""
    eta = float(step.eta[row])
    return Detection(
        timestamp=t,
        value=x,
        score=float(step.score[row]),
        fired=fired,
        detector=bank.spec.name,
        reason=step.reasons[int(step.reason[row])],
        expected=float(step.expected[row]),
        low=float(step.low[row]),
        high=float(step.high[row]),
        window_start=float(step.window_start[row]),
        window_end=float(step.window_end[row]),
        eta_seconds=eta if math.isfinite(eta) else None,
    )


def _owner(state: ClusterState, key: SeriesKey) -> ObjectRef | None:
    """The pod's top owner (the Deployment people name and fix), asked only when a finding is made."""
    pod = state.get("Pod", key.namespace, key.pod)
    return state.top_owner(pod).ref if pod is not None else None
