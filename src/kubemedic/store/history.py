"""Minute cluster summaries: written once a minute per cluster, read back by time window with cursor pages.

The summaries are the durable "context buffer": what each cluster looked like minute by minute, kept
across restarts for the retention period. Reading is oldest first inside [since, until), the order a
person or an LLM reads a history in; the cursor is the last row's (at, seq), so pages never skip or
repeat a row even when several summaries share a timestamp.
"""

from __future__ import annotations

import base64
from datetime import datetime

import orjson
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kubemedic.domain import InputError
from kubemedic.store.codec import utc
from kubemedic.store.gate import WriteGate
from kubemedic.store.records import ClusterSummary, OpenOverview, Page
from kubemedic.store.tables import FindingRow, IncidentRow, SummaryRow

MAX_PAGE = 1440  # a day of minutes
TOP_FINDINGS = 5


class History:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], gate: WriteGate | None = None) -> None:
        self._sessions = sessions
        self._write = gate or WriteGate("")

    async def add_summary(self, summary: ClusterSummary) -> None:
        async with self._write(), self._sessions.begin() as session:
            session.add(
                SummaryRow(
                    cluster=summary.cluster,
                    at=summary.at,
                    nodes_ready=summary.nodes_ready,
                    nodes_total=summary.nodes_total,
                    pods_ready=summary.pods_ready,
                    pods_total=summary.pods_total,
                    restarts=summary.restarts,
                    incidents_open=summary.incidents_open,
                    body={
                        "pods_by_phase": dict(summary.pods_by_phase),
                        "findings_by_severity": dict(summary.findings_by_severity),
                        "top_findings": list(summary.top_findings),
                    },
                )
            )

    async def summaries(
        self,
        *,
        cluster: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 60,
        cursor: str | None = None,
    ) -> Page[ClusterSummary]:
        """Summaries with since <= at < until, oldest first."""
        if not 1 <= limit <= MAX_PAGE:
            raise InputError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
        if since is not None and until is not None and since >= until:
            raise InputError(f"since ({since.isoformat()}) must be before until ({until.isoformat()})")
        query = select(SummaryRow)
        if cluster is not None:
            query = query.where(SummaryRow.cluster == cluster)
        if since is not None:
            query = query.where(SummaryRow.at >= since)
        if until is not None:
            query = query.where(SummaryRow.at < until)
        if cursor:
            at, seq = _decode_cursor(cursor)
            query = query.where(or_(SummaryRow.at > at, and_(SummaryRow.at == at, SummaryRow.seq > seq)))
        query = query.order_by(SummaryRow.at, SummaryRow.seq).limit(limit + 1)
        async with self._sessions() as session:
            rows = list((await session.scalars(query)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = _encode_cursor(rows[-1].at, rows[-1].seq) if more and rows else None
        return Page(tuple(_summary(r) for r in rows), next_cursor)

    async def open_overview(self, cluster: str) -> OpenOverview:
        """Open findings by severity, open incidents, and the titles of the five most severe findings."""
        async with self._sessions() as session:
            counts = (
                await session.execute(
                    select(FindingRow.severity, func.count())
                    .where(FindingRow.cluster == cluster, FindingRow.status == "open")
                    .group_by(FindingRow.severity)
                )
            ).all()
            incidents = await session.scalar(
                select(func.count())
                .select_from(IncidentRow)
                .where(IncidentRow.cluster == cluster, IncidentRow.status == "open")
            )
            top = (
                await session.scalars(
                    select(FindingRow.title)
                    .where(FindingRow.cluster == cluster, FindingRow.status == "open")
                    .order_by(FindingRow.severity_rank.desc(), FindingRow.last_seen.desc(), FindingRow.id)
                    .limit(TOP_FINDINGS)
                )
            ).all()
        return OpenOverview(
            {str(severity): int(n) for severity, n in sorted(counts)}, int(incidents or 0), tuple(top)
        )


def _summary(row: SummaryRow) -> ClusterSummary:
    body = dict(row.body)
    return ClusterSummary(
        cluster=row.cluster,
        at=utc(row.at) or row.at,
        nodes_ready=row.nodes_ready,
        nodes_total=row.nodes_total,
        pods_ready=row.pods_ready,
        pods_total=row.pods_total,
        pods_by_phase={str(k): int(v) for k, v in dict(body.get("pods_by_phase") or {}).items()},
        restarts=row.restarts,
        findings_by_severity={
            str(k): int(v) for k, v in dict(body.get("findings_by_severity") or {}).items()
        },
        incidents_open=row.incidents_open,
        top_findings=tuple(str(t) for t in body.get("top_findings") or ()),
    )


def _encode_cursor(at: datetime, seq: int) -> str:
    aware = utc(at) or at
    return base64.urlsafe_b64encode(orjson.dumps([aware.isoformat(), seq])).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, seq = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        when = datetime.fromisoformat(at)
        return (utc(when) or when), int(seq)
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise InputError(f"cursor {cursor!r} is not one this server handed out") from exc
