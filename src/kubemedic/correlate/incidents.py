"""Group findings into incidents, each with one root cause: the deepest failing dependency.

An API that crashes because its database crashes is one incident whose root cause is the
database's problem; a Deployment unavailable because its pods crash is one incident, not two.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kubemedic.correlate.causes import cause_order
from kubemedic.correlate.graph import DependencyGraph, Key, ref_key
from kubemedic.domain import Finding, Incident, Severity
from kubemedic.state import ClusterState

MAX_DEPTH = 5


@dataclass(frozen=True, slots=True)
class Correlated:
    findings: tuple[Finding, ...]  # each with incident_id set
    incidents: tuple[Incident, ...]  # most severe first


def correlate(state: ClusterState, findings: Sequence[Finding]) -> Correlated:
    graph = DependencyGraph(state, findings)
    by_unit: dict[Key, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_unit[graph.unit(ref_key(finding.object))].append(finding)
    failing = set(by_unit)
    reach = {unit: _failing_reachable(graph, unit, failing) for unit in failing}
    root_of = {unit: _pick_root(unit, reach, by_unit) for unit in failing}
    groups: dict[Key, list[Key]] = defaultdict(list)
    for unit, root in root_of.items():
        groups[root].append(unit)

    incidents: list[Incident] = []
    assigned: dict[str, str] = {}
    for root, units in groups.items():
        members = [f for unit in units for f in by_unit[unit]]
        root_finding = sorted(by_unit[root], key=cause_order)[0]
        incident = _incident(root_finding, members, units, root)
        incidents.append(incident)
        for finding in members:
            assigned[finding.id] = incident.id
    incidents.sort(key=lambda i: (-i.severity.rank, -len(i.finding_ids), i.title))
    out = tuple(f.with_incident(assigned[f.id]) for f in findings)
    return Correlated(out, tuple(incidents))


def _failing_reachable(graph: DependencyGraph, start: Key, failing: set[Key]) -> frozenset[Key]:
    """Failing units reachable from `start` along dependency edges (bounded depth)."""
    seen = {start}
    frontier = [start]
    found: set[Key] = set()
    for _ in range(MAX_DEPTH):
        nxt: list[Key] = []
        for key in frontier:
            for dep in graph.depends_on(key):
                if dep in seen:
                    continue
                seen.add(dep)
                if dep in failing:
                    found.add(dep)
                nxt.append(dep)
        if not nxt:
            break
        frontier = nxt
    return frozenset(found)


def _pick_root(unit: Key, reach: dict[Key, frozenset[Key]], by_unit: dict[Key, list[Finding]]) -> Key:
    """The deepest failing unit `unit` depends on: one whose own failing dependencies all lead back to it."""
    candidates = [unit, *reach[unit]]
    terminal = [c for c in candidates if all(c in reach[d] for d in reach[c])]
    if not terminal:  # pragma: no cover - a finite graph always has a terminal strongly connected set
        terminal = candidates
    return min(terminal, key=lambda c: (cause_order(sorted(by_unit[c], key=cause_order)[0]), c))


def _incident(root_finding: Finding, members: list[Finding], units: list[Key], root: Key) -> Incident:
    severity = max((f.severity for f in members), default=Severity.INFO, key=lambda s: s.rank)
    incident_id = "inc-" + hashlib.blake2b(root_finding.id.encode(), digest_size=6).hexdigest()
    ordered = sorted(members, key=lambda f: (f.id != root_finding.id, cause_order(f)))
    objects = sorted({f.object for f in members}, key=lambda r: (r.key != root, r.kind, r.namespace, r.name))
    affected = len(units) - 1
    title = root_finding.title
    if affected:
        title = f"{title} (affects {affected} more object{'s' if affected > 1 else ''})"
    return Incident(
        id=incident_id,
        title=title,
        severity=severity,
        root_cause_finding_id=root_finding.id,
        root_cause=root_finding.root_cause or root_finding.message,
        root_object=root_finding.object,
        finding_ids=tuple(f.id for f in ordered),
        objects=tuple(objects),
    )
