"""What a scan takes and gives: options, summary, report."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubemedic.domain import Finding, Incident, ParseProblem, Severity
from kubemedic.state import ClusterState


@dataclass(frozen=True, slots=True)
class ScanOptions:
    namespaces: frozenset[str] | None = None  # None: all namespaces
    min_severity: Severity = Severity.INFO
    anonymize: bool = False  # mask names, namespaces, images, IPs, hosts everywhere (also in texts)


@dataclass(frozen=True, slots=True)
class ScanSummary:
    cluster: str
    captured_at: str
    objects: int
    pods: int
    nodes: int
    namespaces: int
    findings: int
    incidents: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    highest_severity: str
    load_ms: float = 0.0
    analysis_ms: float = 0.0
    unknown_kinds: dict[str, int] = field(default_factory=dict)
    parse_problems: int = 0


@dataclass(frozen=True, slots=True)
class ScanReport:
    findings: tuple[Finding, ...]
    incidents: tuple[Incident, ...]
    summary: ScanSummary
    problems: tuple[ParseProblem, ...] = ()
    # The state the report was made from: consumers that dig further (explain, ask) use it, and
    # holding it keeps the CLI from paying to free it before it prints.
    state: ClusterState | None = field(default=None, repr=False, compare=False)

    def finding(self, finding_id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == finding_id), None)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)
