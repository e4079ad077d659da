"""One scan: analyze a ClusterState, correlate, filter for the user. Every face (CLI, API) calls this."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from kubemedic.analyzers.run import run_analyzers
from kubemedic.cluster.client import ClusterTarget, load_config
from kubemedic.correlate import correlate
from kubemedic.domain import ClusterConnectionError, Finding, Incident, ParseProblem, Severity
from kubemedic.service.anonymize import anonymize_report
from kubemedic.service.live import Clock, access_problem_finding, connection_finding, load_live_sync
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
) -> ScanReport:
    options = options or ScanOptions()
    started = time.perf_counter()
    correlated = correlate(state, run_analyzers(state))
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
    report = ScanReport(findings, incidents, summary, tuple(problems))
    return anonymize_report(report, state) if options.anonymize else report


def scan_snapshot(path: Path, options: ScanOptions | None = None, *, cluster: str = "") -> ScanReport:
    """Load a snapshot directory and scan it. Raises SnapshotError when nothing could be read."""
    started = time.perf_counter()
    loaded = load_snapshot(path, cluster=cluster)
    load_ms = (time.perf_counter() - started) * 1000
    return scan_state(loaded.state, options, load_ms=load_ms, stats=loaded.stats, problems=loaded.problems)


def scan_live(
    target: ClusterTarget, options: ScanOptions | None = None, *, clock: Clock, with_logs: bool = True
) -> ScanReport:
    """Scan a live cluster. An unreachable cluster is a finding about the connection, not a crash."""
    options = options or ScanOptions()
    try:
        live = load_live_sync(target, clock=clock, namespaces=None, with_logs=with_logs)
    except ClusterConnectionError as exc:
        cluster = load_config(target)[1]
        state = ClusterState.build([], now=clock(), cluster=cluster)
        report = scan_state(state, options)
        finding = connection_finding(cluster, exc).with_incident("")
        return _with_extra(report, [finding])
    report = scan_state(live.state, options, load_ms=live.load_ms)
    return _with_extra(report, [access_problem_finding(live.cluster, p) for p in live.access_problems])


def _with_extra(report: ScanReport, extra: list[Finding]) -> ScanReport:
    """Add findings about kubemedic's own access to the cluster, each its own incident."""
    if not extra:
        return report
    incidents = [
        Incident(
            id=f"inc-{f.id}",
            title=f.title,
            severity=f.severity,
            root_cause_finding_id=f.id,
            root_cause=f.root_cause,
            root_object=f.object,
            finding_ids=(f.id,),
            objects=(f.object,),
        )
        for f in extra
    ]
    findings = [f.with_incident(f"inc-{f.id}") for f in extra]
    by_sev = dict(report.summary.by_severity)
    for f in findings:
        by_sev[f.severity.value] = by_sev.get(f.severity.value, 0) + 1
    worst = max([f.severity for f in (*report.findings, *findings)], key=lambda s: s.rank)
    summary = replace(
        report.summary,
        findings=report.summary.findings + len(findings),
        incidents=report.summary.incidents + len(incidents),
        by_severity=by_sev,
        highest_severity=worst.value,
    )
    return replace(
        report,
        findings=(*findings, *report.findings),
        incidents=(*incidents, *report.incidents),
        summary=summary,
    )


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
