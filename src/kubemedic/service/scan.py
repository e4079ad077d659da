"""One scan: analyze a ClusterState, correlate, filter for the user. Every face (CLI, API) calls this."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from kubemedic.analyzers.run import run_analyzers
from kubemedic.correlate import correlate
from kubemedic.domain import Finding, Incident, ParseProblem, Severity
from kubemedic.service.anonymize import anonymize_report
from kubemedic.service.models import ScanOptions, ScanReport, ScanSummary
from kubemedic.state import ClusterState
from kubemedic.state.snapshot import SnapshotStats, load_snapshot
from kubemedic.state.timeutil import format_time


def scan_state(
    state: ClusterState,
    options: ScanOptions | None = None,
    *,
    load_ms: float = 0.0,
    stats: SnapshotStats | None = None,
    problems: Sequence[ParseProblem] = (),
    extra: Sequence[Finding] = (),
    analyzed: Sequence[Finding] | None = None,
) -> ScanReport:
    """Analyze `state` and correlate its findings, plus `extra` ones found elsewhere (anomalies in
    its metrics), so those join the incidents of the objects they are about. `analyzed`: the
    analyzers' findings when already known (the monitor's incremental analysis)."""
    options = options or ScanOptions()
    started = time.perf_counter()
    found = run_analyzers(state) if analyzed is None else analyzed
    correlated = correlate(state, [*found, *extra])
    analysis_ms = (time.perf_counter() - started) * 1000
    findings, incidents = _filter(correlated.findings, correlated.incidents, options)
    by_sev = Counter(f.severity.value for f in findings)
    worst = max((f.severity for f in findings), key=lambda s: s.rank, default=None)
    kinds = state.kinds
    summary = ScanSummary(
        cluster=state.cluster,
        captured_at=format_time(state.now),
        objects=sum(kinds.values()),
        pods=kinds.get("Pod", 0),
        nodes=kinds.get("Node", 0),
        namespaces=len(state.namespaces()),
        findings=len(findings),
        incidents=len(incidents),
        by_severity={s.value: by_sev.get(s.value, 0) for s in Severity},
        by_category=dict(sorted(Counter(f.category for f in findings).items())),
        highest_severity=worst.value if worst else "none",
        load_ms=round(load_ms, 1),
        analysis_ms=round(analysis_ms, 1),
        unknown_kinds=dict(stats.unknown_kinds) if stats else {},
        parse_problems=len(problems),
    )
    report = ScanReport(findings, incidents, summary, tuple(problems), state=state)
    return anonymize_report(report, state) if options.anonymize else report


def scan_snapshot(path: Path, options: ScanOptions | None = None, *, cluster: str = "") -> ScanReport:
    """Load a snapshot directory and scan it. Raises SnapshotError when nothing could be read."""
    started = time.perf_counter()
    loaded = load_snapshot(path, cluster=cluster)
    load_ms = (time.perf_counter() - started) * 1000
    return scan_state(loaded.state, options, load_ms=load_ms, stats=loaded.stats, problems=loaded.problems)


def _filter(
    findings: Sequence[Finding], incidents: Sequence[Incident], options: ScanOptions
) -> tuple[tuple[Finding, ...], tuple[Incident, ...]]:
    """Keep what the user asked for. An incident with any finding kept also keeps its root cause,
    which may live elsewhere (a Node, a database in another namespace) or be less severe."""
    wanted_ns = options.namespaces
    by_id = {f.id: f for f in findings}
    keep_incidents: list[Incident] = []
    keep_ids: set[str] = set()
    for incident in incidents:
        members = [by_id[i] for i in incident.finding_ids if i in by_id]
        members = [f for f in members if f.severity >= options.min_severity]
        if wanted_ns is not None:
            members = [f for f in members if f.object.namespace in wanted_ns]
        if not members:
            continue
        root = by_id.get(incident.root_cause_finding_id)
        if root is not None and root not in members:
            members.append(root)
        keep_incidents.append(incident)
        keep_ids.update(f.id for f in members)
    kept = tuple(f for f in findings if f.id in keep_ids)
    return kept, tuple(keep_incidents)
