"""Scan a live cluster: the same pipeline as a snapshot scan, plus findings about access itself."""

from __future__ import annotations

from dataclasses import replace

from kubemedic.cluster.client import ClusterTarget, load_config
from kubemedic.domain import ClusterConnectionError, Finding, Incident
from kubemedic.service.live import Clock, access_problem_finding, connection_finding, load_live_sync
from kubemedic.service.models import ScanOptions, ScanReport
from kubemedic.service.scan import scan_state
from kubemedic.state import ClusterState


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
