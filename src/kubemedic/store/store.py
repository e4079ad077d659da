"""The Store: findings and incidents with a lifecycle, and the per-object timeline, on SQLite or PostgreSQL.

A finding is keyed by (cluster, fingerprint id). Applying a scan opens what is new, refreshes what is
seen again (last_seen, occurrences - never a second row), resolves what is gone, and reopens what
comes back; the timeline records every opening and resolution. Restarting on the same database
keeps all of it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, cast

import orjson
from sqlalchemy import Select, Table, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from kubemedic.domain import Finding, Incident, InputError, Severity
from kubemedic.store.api_keys import ApiKeys
from kubemedic.store.codec import finding_body, finding_from, incident_body, utc
from kubemedic.store.gate import WriteGate
from kubemedic.store.history import History
from kubemedic.store.migrate import migrate
from kubemedic.store.records import (
    ApplyResult,
    Page,
    PurgeResult,
    StoredFinding,
    StoredIncident,
    TimelineEntry,
)
from kubemedic.store.series import SeriesStore
from kubemedic.store.sqlite_tuning import tune
from kubemedic.store.tables import FindingRow, IncidentRow, SummaryRow, TimelineRow
from kubemedic.store.urls import parse_url

_TIMELINE = cast(Table, TimelineRow.__table__)  # timeline reads select plain rows: no ORM objects to build
_FINDINGS_TABLE = cast(Table, FindingRow.__table__)  # rewrites of many rows: one executemany UPDATE
_INCIDENTS_TABLE = cast(Table, IncidentRow.__table__)


class Store:
    """`async with Store.open(url) as store: ...` - owns its engine; migrations run on open."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        tune(engine)  # SQLite: write-ahead log, so readers and the writer do not wait for each other
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._write = WriteGate(engine.dialect.name)
        self.api_keys = ApiKeys(self._sessions)
        self.history = History(self._sessions, self._write)
        self.series = SeriesStore(self._sessions, engine.dialect.name, gate=self._write)
        # Per cluster, the open findings as this Store last wrote them (with their last_seen): the next
        # scan then loads only the rows that change instead of every open row. Kept only while one
        # process writes a cluster's scans - the watcher holding the lease; see forget().
        self._open: dict[str, dict[str, tuple[Finding, datetime]]] = {}
        # The same for open incidents: id -> the Incident as written (None: known only from its row,
        # so compared with the row again), and its root finding (which keeps it open while held).
        self._open_incidents: dict[str, dict[str, tuple[Incident | None, str]]] = {}

    @classmethod
    def open(cls, url: str, **engine_args: Any) -> Store:
        return cls(create_async_engine(parse_url(url), **engine_args))

    async def __aenter__(self) -> Store:
        await migrate(self.engine)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.engine.dispose()

    # ---- writing a scan ---------------------------------------------------------------------------

    async def apply_scan(
        self,
        cluster: str,
        findings: Sequence[Finding],
        incidents: Sequence[Incident],
        now: datetime,
        *,
        resolve_after: timedelta = timedelta(0),
        exists: Callable[[str, str, str], bool] | None = None,
    ) -> ApplyResult:
        """Open what is new, refresh what is seen again, resolve what is gone.

        With `resolve_after`, a finding this scan did not report stays open until it has not been seen
        for that long (a crash-looping container runs for a while between two crashes; a log read can be
        late) - unless `exists(kind, namespace, name)` says its object is gone, which resolves it at once.
        An incident stays open as long as its root finding does.
        """
        current = {f.id: f for f in findings}
        held: set[str] = set()
        opened: list[str] = []
        updated: list[str] = []
        resolved: list[str] = []
        unchanged: list[str] = []
        rewritten: list[Finding] = []  # open findings whose content changed since this Store wrote them
        mirror = self._open.pop(cluster, None)  # put back below once this transaction has committed
        incident_mirror = self._open_incidents.pop(cluster, None)
        timeline: list[dict[str, Any]] = []  # written in one statement, not one INSERT per ORM row
        async with self._write(), self._sessions.begin() as session:
            if mirror is None:
                rows = await self._rows_to_touch(session, cluster, list(current))
            else:  # only rows that change: new, different from what we wrote, or not reported now
                for fid, finding in current.items():
                    known = mirror.get(fid)
                    if known is None:
                        continue
                    if known[0] != finding:  # open (we wrote it so) with new content: no need to read it
                        rewritten.append(finding)
                    else:
                        unchanged.append(fid)
                    updated.append(fid)
                rows = await self._rows_by_id(
                    session,
                    cluster,
                    [fid for fid in current if fid not in mirror]
                    + [fid for fid in mirror if fid not in current],
                )
            for fid, finding in current.items():
                if mirror is not None and fid not in rows and fid in mirror:
                    continue  # unchanged or rewritten (counted above)
                row = rows.get(fid)
                if row is None:
                    session.add(_new_row(cluster, finding, now))
                    opened.append(fid)
                    timeline.append(_timeline(cluster, finding, now, "finding-opened"))
                    continue
                body = finding_body(finding)
                if row.status == "open" and _unchanged(row, finding, body):
                    unchanged.append(fid)  # bumped below in one statement, not one UPDATE per row
                    updated.append(fid)
                    continue
                _refresh(row, finding, now, body)
                if row.status == "resolved":
                    row.status, row.resolved_at = "open", None
                    opened.append(fid)
                    timeline.append(_timeline(cluster, finding, now, "finding-opened"))
                else:
                    updated.append(fid)
            for fid, row in rows.items():
                if fid not in current and row.status == "open":
                    recent = utc(row.last_seen) or row.last_seen
                    alive = exists is None or exists(row.kind, row.namespace, row.name)
                    if resolve_after and recent > now - resolve_after and alive:
                        held.add(fid)  # not reported this time: give it the grace period
                        continue
                    row.status, row.resolved_at = "resolved", now
                    resolved.append(fid)
                    timeline.append(_timeline(cluster, _finding_of(row), now, "finding-resolved"))
            for start in range(0, len(unchanged), 500):
                await session.execute(
                    update(FindingRow)
                    .where(FindingRow.cluster == cluster, FindingRow.id.in_(unchanged[start : start + 500]))
                    .values(last_seen=now, occurrences=FindingRow.occurrences + 1)
                    .execution_options(synchronize_session=False)
                )
            if rewritten:  # one executemany, no rows loaded (a busy cluster's counts change every time)
                columns = [(f.id, _finding_columns(f, finding_body(f))) for f in rewritten]
                occurrences = _FINDINGS_TABLE.c.occurrences + 1
                await session.execute(
                    _bulk_rewrite(_FINDINGS_TABLE, columns[0][1], occurrences=occurrences),
                    [_rewrite_params(cluster, fid, now, cols) for fid, cols in columns],
                )
            if timeline:
                await session.execute(insert(TimelineRow), timeline)
            open_incidents = await self._apply_incidents(
                session, cluster, incidents, now, held, incident_mirror
            )
        self._open_incidents[cluster] = open_incidents
        fresh = {fid: (finding, now) for fid, finding in current.items()}
        for fid in held:
            if mirror is not None and fid in mirror:
                fresh[fid] = mirror[fid]
            elif fid in rows:
                fresh[fid] = (_finding_of(rows[fid]), utc(rows[fid].last_seen) or rows[fid].last_seen)
        self._open[cluster] = fresh
        return ApplyResult(tuple(opened), tuple(updated), tuple(resolved))

    def forget(self, cluster: str) -> None:
        """Drop what this Store remembers of the cluster's open findings: the next scan reads them from
        the database. A monitor calls this when it starts watching (another replica may have written)."""
        self._open.pop(cluster, None)
        self._open_incidents.pop(cluster, None)

    async def _rows_by_id(self, session: AsyncSession, cluster: str, ids: list[str]) -> dict[str, FindingRow]:
        rows: dict[str, FindingRow] = {}
        for start in range(0, len(ids), 500):
            query = select(FindingRow).where(
                FindingRow.cluster == cluster, FindingRow.id.in_(ids[start : start + 500])
            )
            rows.update((row.id, row) for row in (await session.scalars(query)).all())
        return rows

    async def _rows_to_touch(
        self, session: AsyncSession, cluster: str, ids: list[str]
    ) -> dict[str, FindingRow]:
        query = select(FindingRow).where(
            FindingRow.cluster == cluster, or_(FindingRow.status == "open", FindingRow.id.in_(ids))
        )
        return {row.id: row for row in (await session.scalars(query)).all()}

    async def _apply_incidents(
        self,
        session: AsyncSession,
        cluster: str,
        incidents: Sequence[Incident],
        now: datetime,
        held: frozenset[str] | set[str] = frozenset(),
        mirror: dict[str, tuple[Incident | None, str]] | None = None,
    ) -> dict[str, tuple[Incident | None, str]]:
        """Open, refresh and resolve incidents; returns the open ones as written (the next mirror).

        With `mirror` (the open incidents as this Store last wrote them) only the rows that change are
        loaded: an incident equal to the one written is bumped without reading its row (and its JSON)."""
        current = {i.id: i for i in incidents}
        unchanged: set[str] = set()
        rewritten: list[Incident] = []
        if mirror is None:
            query = select(IncidentRow).where(
                IncidentRow.cluster == cluster,
                or_(IncidentRow.status == "open", IncidentRow.id.in_(list(current))),
            )
            rows = {row.id: row for row in (await session.scalars(query)).all()}
        else:
            wrote = {iid: incident for iid, (incident, _) in mirror.items()}  # None: known from its row
            unchanged = {iid for iid, i in current.items() if wrote.get(iid) == i}
            # open (as written by this Store) with new content: rewritten below without reading it
            rewritten = [
                i for iid, i in current.items() if iid not in unchanged and wrote.get(iid) is not None
            ]
            load = [iid for iid in current if wrote.get(iid) is None]
            load += [iid for iid in mirror if iid not in current]
            rows = {}
            for start in range(0, len(load), 500):
                query = select(IncidentRow).where(
                    IncidentRow.cluster == cluster, IncidentRow.id.in_(load[start : start + 500])
                )
                rows.update((row.id, row) for row in (await session.scalars(query)).all())
        seen_again = list(unchanged)
        written: dict[str, tuple[Incident | None, str]] = {}
        if rewritten:
            changed = [(i.id, _incident_columns(i)) for i in rewritten]
            await session.execute(
                _bulk_rewrite(_INCIDENTS_TABLE, changed[0][1], status="open", resolved_at=None),
                [_rewrite_params(cluster, iid, now, cols) for iid, cols in changed],
            )
        skip = unchanged | {i.id for i in rewritten}
        for iid, incident in current.items():
            written[iid] = (incident, incident.root_cause_finding_id)
            if iid in skip:
                continue  # as written last time (bumped below), or rewritten above
            row = rows.get(iid)
            if row is None:
                row = IncidentRow(cluster=cluster, id=iid, first_seen=now)
                session.add(row)
            columns = _incident_columns(incident)
            if row.status == "open" and all(getattr(row, k) == v for k, v in columns.items()):
                seen_again.append(iid)  # bumped below in one statement
                continue
            for column, value in columns.items():
                setattr(row, column, value)
            row.status, row.last_seen, row.resolved_at = "open", now, None
        for start in range(0, len(seen_again), 500):
            await session.execute(
                update(IncidentRow)
                .where(IncidentRow.cluster == cluster, IncidentRow.id.in_(seen_again[start : start + 500]))
                .values(last_seen=now)
                .execution_options(synchronize_session=False)
            )
        for iid, row in rows.items():
            if iid not in current and row.status == "open":
                if row.root_cause_finding_id in held:
                    known = mirror.get(iid) if mirror is not None else None
                    written[iid] = known or (None, row.root_cause_finding_id)  # stays open, as it is
                else:
                    row.status, row.resolved_at = "resolved", now
        return written

    # ---- reading ------------------------------------------------------------------------------------

    async def findings(
        self,
        *,
        cluster: str | None = None,
        namespace: str | None = None,
        kind: str | None = None,
        severity_at_least: Severity | None = None,
        category: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[StoredFinding]:
        """Newest first (by last_seen, then id), with an opaque cursor for the next page."""
        if not 1 <= limit <= 1000:
            raise InputError(f"limit must be between 1 and 1000, got {limit}")
        query = select(FindingRow)
        for column, value in (
            (FindingRow.cluster, cluster),
            (FindingRow.namespace, namespace),
            (FindingRow.kind, kind),
            (FindingRow.category, category),
            (FindingRow.status, status),
        ):
            if value is not None:
                query = query.where(column == value)
        if severity_at_least is not None:
            query = query.where(FindingRow.severity_rank >= severity_at_least.rank)
        if cursor:
            seen, fid = _decode_cursor(cursor)
            query = query.where(
                or_(FindingRow.last_seen < seen, and_(FindingRow.last_seen == seen, FindingRow.id > fid))
            )
        query = query.order_by(FindingRow.last_seen.desc(), FindingRow.id.asc()).limit(limit + 1)
        async with self._sessions() as session:
            rows = list((await session.scalars(query)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = _encode_cursor(rows[-1].last_seen, rows[-1].id) if more and rows else None
        return Page(tuple(_stored(r) for r in rows), next_cursor)

    async def finding(self, cluster: str, finding_id: str) -> StoredFinding | None:
        async with self._sessions() as session:
            row = await session.get(FindingRow, (cluster, finding_id))
        return _stored(row) if row is not None else None

    async def finding_by_id(self, finding_id: str) -> StoredFinding | None:
        """A finding by its fingerprint alone (the fingerprint already includes the cluster)."""
        async with self._sessions() as session:
            row = (
                await session.scalars(select(FindingRow).where(FindingRow.id == finding_id).limit(1))
            ).first()
        return _stored(row) if row is not None else None

    async def ping(self) -> None:
        """Raise if the database does not answer."""
        async with self.engine.connect() as conn:
            await conn.execute(select(1))

    async def incidents(
        self, *, cluster: str | None = None, status: str | None = None
    ) -> list[StoredIncident]:
        query = select(IncidentRow).order_by(IncidentRow.last_seen.desc(), IncidentRow.id)
        if cluster is not None:
            query = query.where(IncidentRow.cluster == cluster)
        if status is not None:
            query = query.where(IncidentRow.status == status)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [
            StoredIncident(
                r.id,
                r.cluster,
                r.title,
                r.severity,
                r.root_cause,
                r.root_cause_finding_id,
                dict(r.body),
                r.status,
                utc(r.first_seen) or r.first_seen,
                utc(r.last_seen) or r.last_seen,
                utc(r.resolved_at),
            )
            for r in rows
        ]

    # ---- timeline and retention -----------------------------------------------------------------------

    async def add_timeline(self, entries: Sequence[TimelineEntry]) -> None:
        """Write entries in one transaction (one multi-row INSERT: a busy cluster records hundreds of
        changes a second, too many to build ORM objects for)."""
        if not entries:
            return
        rows = [
            {
                "cluster": e.cluster,
                "kind": e.kind,
                "namespace": e.namespace,
                "name": e.name,
                "at": e.at,
                "type": e.type,
                "text": e.text,
                "data": dict(e.data),
            }
            for e in entries
        ]
        async with self._write(), self._sessions.begin() as session:
            await session.execute(insert(TimelineRow), rows)

    async def timeline(
        self,
        cluster: str | None,
        kind: str,
        namespace: str,
        name: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 500,
    ) -> list[TimelineEntry]:
        """One object's history, oldest first, with since <= at < until (cluster None: any cluster)."""
        query = select(_TIMELINE).where(
            TimelineRow.kind == kind,
            TimelineRow.namespace == namespace,
            TimelineRow.name == name,
        )
        if cluster is not None:
            query = query.where(TimelineRow.cluster == cluster)
        if since is not None:
            query = query.where(TimelineRow.at >= since)
        if until is not None:
            query = query.where(TimelineRow.at < until)
        query = query.order_by(TimelineRow.at, TimelineRow.seq).limit(limit)
        return await self._timeline_entries(query)

    async def recent_timeline(
        self,
        cluster: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        namespace: str | None = None,
        types: Sequence[str] | None = None,
    ) -> list[TimelineEntry]:
        """The newest timeline entries across all objects (the cluster's history), newest first;
        only those of one namespace and of some types when asked."""
        query = select(_TIMELINE).order_by(TimelineRow.at.desc(), TimelineRow.seq.desc()).limit(limit)
        if namespace is not None:
            query = query.where(TimelineRow.namespace == namespace)
        if types is not None:
            query = query.where(TimelineRow.type.in_(list(types)))
        if cluster is not None:
            query = query.where(TimelineRow.cluster == cluster)
        if since is not None:
            query = query.where(TimelineRow.at >= since)
        if until is not None:
            query = query.where(TimelineRow.at < until)
        return await self._timeline_entries(query)

    async def _timeline_entries(self, query: Select[Any]) -> list[TimelineEntry]:
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [
            TimelineEntry(
                r.cluster, r.kind, r.namespace, r.name, utc(r.at) or r.at, r.type, r.text, dict(r.data)
            )
            for r in rows
        ]

    async def purge(self, older_than: datetime) -> PurgeResult:
        """Forget findings/incidents resolved before `older_than`, and older timeline entries and summaries.

        Open findings and incidents are kept however old: they are still true.
        """
        async with self._write(), self._sessions.begin() as session:
            f = await session.execute(
                delete(FindingRow).where(FindingRow.status == "resolved", FindingRow.resolved_at < older_than)
            )
            i = await session.execute(
                delete(IncidentRow).where(
                    IncidentRow.status == "resolved", IncidentRow.resolved_at < older_than
                )
            )
            t = await session.execute(delete(TimelineRow).where(TimelineRow.at < older_than))
            s = await session.execute(delete(SummaryRow).where(SummaryRow.at < older_than))
        return PurgeResult(_count(f), _count(i), _count(t), _count(s))


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _new_row(cluster: str, f: Finding, now: datetime) -> FindingRow:
    row = FindingRow(cluster=cluster, id=f.id, first_seen=now, occurrences=0, status="open", resolved_at=None)
    _refresh(row, f, now, finding_body(f))
    return row


def _finding_columns(f: Finding, body: dict[str, Any]) -> dict[str, Any]:
    """What a finding's row holds of it (besides its times, count and status)."""
    ref = f.object
    return {
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
        "uid": ref.uid,
        "severity": f.severity.value,
        "severity_rank": f.severity.rank,
        "category": f.category,
        "title": f.title,
        "body": body,
        "incident_id": f.incident_id,
    }


def _incident_columns(incident: Incident) -> dict[str, Any]:
    """What an incident's row holds of it (besides its times and status)."""
    return {
        "title": incident.title,
        "severity": incident.severity.value,
        "root_cause": incident.root_cause,
        "root_cause_finding_id": incident.root_cause_finding_id,
        "body": incident_body(incident),
    }


def _refresh(row: FindingRow, f: Finding, now: datetime, body: dict[str, Any]) -> None:
    for column, value in _finding_columns(f, body).items():
        setattr(row, column, value)
    row.last_seen = now
    row.occurrences = (row.occurrences or 0) + 1


def _bulk_rewrite(table: Table, columns: Iterable[str], **also: Any) -> Any:
    """UPDATE one row per parameter set (by cluster and id): `columns` from `w_<column>`, and `also`."""
    c = table.c
    values: dict[str, Any] = {col: bindparam(f"w_{col}", type_=c[col].type) for col in columns}
    return (
        update(table)
        .where(c.cluster == bindparam("w_cluster"), c.id == bindparam("w_id"))
        .values(**values, last_seen=bindparam("w_now", type_=c.last_seen.type), **also)
    )


def _rewrite_params(cluster: str, fid: str, now: datetime, columns: dict[str, Any]) -> dict[str, Any]:
    return {"w_cluster": cluster, "w_id": fid, "w_now": now, **{f"w_{k}": v for k, v in columns.items()}}


def _unchanged(row: FindingRow, f: Finding, body: dict[str, Any]) -> bool:
    """Only last_seen and occurrences would change (the common case from one analysis to the next)."""
    return all(getattr(row, column) == value for column, value in _finding_columns(f, body).items())


def _finding_of(row: FindingRow) -> Finding:
    return finding_from(
        row.cluster,
        row.id,
        row.kind,
        row.namespace,
        row.name,
        row.uid,
        row.severity,
        row.category,
        row.title,
        dict(row.body),
        row.incident_id,
    )


def _stored(row: FindingRow) -> StoredFinding:
    return StoredFinding(
        _finding_of(row),
        row.status,
        utc(row.first_seen) or row.first_seen,
        utc(row.last_seen) or row.last_seen,
        utc(row.resolved_at),
        row.occurrences,
    )


def _timeline(cluster: str, f: Finding, now: datetime, type_: str) -> dict[str, Any]:
    verb = "opened" if type_ == "finding-opened" else "resolved"
    return {
        "cluster": cluster,
        "kind": f.object.kind,
        "namespace": f.object.namespace,
        "name": f.object.name,
        "at": now,
        "type": type_,
        "text": f"{verb}: [{f.severity.value}] {f.title}",
        "data": {"finding_id": f.id, "category": f.category},
    }


def _encode_cursor(seen: datetime, fid: str) -> str:
    aware = utc(seen) or seen
    return base64.urlsafe_b64encode(orjson.dumps([aware.isoformat(), fid])).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        seen, fid = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        when = datetime.fromisoformat(seen)
        return (utc(when) or when), str(fid)  # a hand-made cursor may lack the offset
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise InputError(f"cursor {cursor!r} is not one this server handed out") from exc
