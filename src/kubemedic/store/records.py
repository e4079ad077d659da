"""What the store hands out: frozen records, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from kubemedic.domain import Finding

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoredFinding:
    finding: Finding
    status: str  # open | resolved
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None
    occurrences: int


@dataclass(frozen=True, slots=True)
class StoredIncident:
    id: str
    cluster: str
    title: str
    severity: str
    root_cause: str
    root_cause_finding_id: str
    body: dict[str, Any]
    status: str
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    cluster: str
    kind: str
    namespace: str
    name: str
    at: datetime
    type: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next_cursor: str | None  # pass back to get the next page; None on the last page


@dataclass(frozen=True, slots=True)
class ApplyResult:
    opened: tuple[str, ...]  # finding ids new or reopened by this scan
    updated: tuple[str, ...]  # seen again
    resolved: tuple[str, ...]  # gone since the last scan


@dataclass(frozen=True, slots=True)
class PurgeResult:
    findings: int
    incidents: int
    timeline: int
    summaries: int = 0
    series_points: int = 0  # metric points (raw and rollups) past their resolution's retention


@dataclass(frozen=True, slots=True)
class OpenOverview:
    """What is open in one cluster right now, as the minute summary records it."""

    findings_by_severity: dict[str, int]
    incidents_open: int
    top_findings: tuple[str, ...]  # titles, most severe then most recent first


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    """A cluster's status at one minute: the durable "context buffer" of what the cluster looked like."""

    cluster: str
    at: datetime
    nodes_ready: int
    nodes_total: int
    pods_ready: int
    pods_total: int
    pods_by_phase: dict[str, int]
    restarts: int  # container restarts seen in the interval that ends at `at`
    findings_by_severity: dict[str, int]
    incidents_open: int
    top_findings: tuple[str, ...]
