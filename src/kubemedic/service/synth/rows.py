"""One sample as rows of the three tables, each row labelled with the run's ground truth.

Rows come out in a fixed order (sorted by their object, then what they say), never in the order a
dict or a set happened to hold them, so the files repeat byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kubemedic.metrics.findings import CATEGORY as ANOMALY
from kubemedic.metrics.quantity import quantity
from kubemedic.service.synth.episode import Sample
from kubemedic.service.synth.labels import FaultTarget
from kubemedic.service.synth.tables import Cell
from kubemedic.state import Pod
from kubemedic.state.events import Event

Row = tuple[Cell, ...]


@dataclass(slots=True)
class Labeller:
    """Rows of one run's samples. Remembers the event counts it has written, so an event gets a row
    in the sample where it first appears and in each sample where its count grew - not in every one."""

    target: FaultTarget
    _counts: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def metrics(self, s: Sample) -> Iterator[Row]:
        anomalous = {
            (f.object.kind, f.object.namespace, f.object.name)
            for f in s.report.findings
            if f.category == ANOMALY
        }
        visible = self.target.visible(s.state, s.report.findings)
        for usage in sorted(s.usage, key=lambda u: (u.namespace, u.name)):
            pod = s.state.get("Pod", usage.namespace, usage.name)
            if not isinstance(pod, Pod):
                continue
            owner = s.state.top_owner(pod).ref
            on = self.target.covers(s.state, "Pod", pod.namespace, pod.name)
            restarts = {c.name: c.restart_count for c in pod.container_statuses}
            for c in sorted(usage.containers, key=lambda c: c.name):
                cpu, memory = _number(c.cpu), _number(c.memory)
                if cpu is None or memory is None:
                    continue
                yield (
                    *self._head(s),
                    usage.namespace,
                    usage.name,
                    c.name,
                    owner.kind,
                    owner.name,
                    cpu,
                    int(memory),
                    _limit(pod, c.name, "cpu"),
                    _int(_limit(pod, c.name, "memory")),
                    restarts.get(c.name, 0),
                    owner.key in anomalous,
                    *self._tail(s, visible, on),
                )

    def events(self, s: Sample) -> Iterator[Row]:
        visible = self.target.visible(s.state, s.report.findings)
        fresh: list[tuple[tuple[str, ...], Event]] = []
        for event in s.state.events():
            key = (event.namespace, event.name, event.uid)
            if self._counts.get(key, 0) >= event.count:
                continue
            self._counts[key] = event.count
            last = event.last_seen
            about = event.involved
            order = (
                last.isoformat() if last else "",
                about.namespace,
                about.kind,
                about.name,
                event.reason,
                event.name,
            )
            fresh.append((order, event))
        for _, event in sorted(fresh, key=lambda pair: pair[0]):
            about = event.involved
            on = self.target.covers(s.state, about.kind, about.namespace, about.name)
            yield (
                *self._head(s),
                event.last_seen,
                about.namespace,
                about.kind,
                about.name,
                event.type,
                event.reason,
                event.message,
                event.count,
                *self._tail(s, visible, on),
            )

    def findings(self, s: Sample) -> Iterator[Row]:
        visible = self.target.visible(s.state, s.report.findings)
        t = self.target
        for f in sorted(s.report.findings, key=lambda f: (f.object.key, f.category, f.title, f.id)):
            o = f.object
            on = t.blamed(s.state, f)
            yield (
                *self._head(s),
                f.id,
                o.kind,
                o.namespace,
                o.name,
                f.category,
                f.severity.value,
                f.title,
                f.analyzer,
                f.incident_id,
                on and f.category == t.category,
                *self._tail(s, visible, on),
            )

    def _head(self, s: Sample) -> Row:
        return (self.target.scenario, datetime.fromtimestamp(s.at, UTC), round(s.elapsed, 3))

    def _tail(self, s: Sample, visible: bool, on: bool) -> Row:
        t = self.target
        return (t.active(s.elapsed), visible, t.display, on, t.label(s.elapsed, on))


def _number(text: str) -> float | None:
    try:
        return quantity(text)
    except ValueError:
        return None


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _limit(pod: Pod, container: str, resource: str) -> float | None:
    spec = pod.container(container)
    limits = spec.resources.get("limits") if spec is not None else None
    value = limits.get(resource) if isinstance(limits, dict) else None
    return _number(str(value)) if value is not None else None
