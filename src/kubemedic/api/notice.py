"""What serve's watcher process tells the API process: one JSON line per message.

    {"t": "change", "kind": ..., "type": ..., "object": {...}}   an object as the watch saw it
    {"t": "scan", ...ScanNotice}                                   an analysis was applied to the store
    {"t": "status", ...WatcherStatus}                              role and watch health, every second

Secrets are stripped before they are written (key names only), as for analysis: a Secret's values
never cross the process boundary.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from kubemedic.cluster.fetch import strip_secret
from kubemedic.cluster.reflector import Change
from kubemedic.report.schema import finding_dict
from kubemedic.service.monitor import MonitorScan


@dataclass(frozen=True, slots=True)
class ScanNotice:
    """One analysis, as much of it as the stream and the metrics need."""

    cluster: str
    took_ms: float
    changes: int
    full: bool
    scope: int
    findings: int  # open findings after this analysis
    opened: tuple[dict[str, Any], ...]  # the findings opened, as the API renders them
    resolved: tuple[str, ...]  # ids
    by_severity: dict[str, int] = field(default_factory=dict)
    reconnects: int = 0
    relists: int = 0
    steps_ms: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, scan: MonitorScan) -> ScanNotice:
        by_id = {f.id: f for f in scan.report.findings}
        return cls(
            cluster=scan.cluster,
            took_ms=round(scan.took_ms, 1),
            changes=scan.changes,
            full=scan.full,
            scope=scan.scope,
            findings=len(scan.report.findings),
            opened=tuple(finding_dict(by_id[fid]) for fid in scan.applied.opened),
            resolved=scan.applied.resolved,
            by_severity=dict(scan.report.summary.by_severity),
            reconnects=scan.reconnects,
            relists=scan.relists,
            steps_ms=dict(scan.phases),
        )

    @classmethod
    def parse(cls, data: dict[str, Any]) -> ScanNotice:
        data = {k: v for k, v in data.items() if k != "t"}
        data["opened"] = tuple(data.get("opened") or ())
        data["resolved"] = tuple(data.get("resolved") or ())
        return cls(**data)


@dataclass(frozen=True, slots=True)
class WatcherStatus:
    leading: bool = False  # this replica holds the cluster's lease and watches
    cluster: str = ""
    synced: bool = False  # every kind listed (the mirror may build its first state)
    connection: dict[str, Any] = field(default_factory=dict)  # ClusterMonitor.connection()
    scans: int = 0
    terms: int = 0

    @classmethod
    def parse(cls, data: dict[str, Any]) -> WatcherStatus:
        return cls(**{k: v for k, v in data.items() if k != "t"})


def change_line(change: Change) -> bytes:
    raw = strip_secret(change.object) if change.kind == "Secret" else change.object
    return orjson.dumps({"t": "change", "kind": change.kind, "type": change.type, "object": raw}) + b"\n"


def scan_line(notice: ScanNotice) -> bytes:
    return orjson.dumps({"t": "scan", **asdict(notice)}) + b"\n"


def status_line(status: WatcherStatus) -> bytes:
    return orjson.dumps({"t": "status", **asdict(status)}) + b"\n"
