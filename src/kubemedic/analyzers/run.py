"""Run analyzers over a ClusterState. One analyzer's crash becomes a finding; the others still run."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import replace

from kubemedic.analyzers.registry import ANALYZERS, analyzer_name
from kubemedic.analyzers.types import Analyzer
from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState


def run_analyzers(state: ClusterState, analyzers: Sequence[Analyzer] = ANALYZERS) -> list[Finding]:
    """All findings, deduplicated by id (the first analyzer to report a problem keeps it)."""
    seen: dict[str, Finding] = {}
    for analyzer in analyzers:
        name = analyzer_name(analyzer)
        try:
            for finding in analyzer(state):
                if finding.id in seen:
                    continue
                if not finding.analyzer:
                    finding = replace(finding, analyzer=name)
                if state.cluster and not finding.object.cluster:
                    finding = replace(finding, object=replace(finding.object, cluster=state.cluster))
                seen[finding.id] = finding
        except Exception as exc:  # boundary: a bug in one analyzer must not hide the others' findings
            crash = _crash_finding(name, exc, state.cluster)
            seen[crash.id] = crash
    return list(seen.values())


def _crash_finding(name: str, exc: Exception, cluster: str) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{frame.filename}:{frame.lineno}" if frame else ""
    return Finding(
        object=ObjectRef("Analyzer", "", name, cluster=cluster),
        severity=Severity.WARNING,
        category="kubemedic-internal",
        title=f"analyzer {name} failed",
        message=f"The {name} analyzer stopped with {type(exc).__name__}: {exc}. The others ran normally.",
        evidence=(Evidence(EvidenceSource.FIELD, f"{type(exc).__name__}: {exc}", location=where),),
        remediation="Please report this with the snapshot (use --anonymize) so the analyzer can be fixed.",
        analyzer=name,
    )
