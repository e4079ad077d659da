"""History routes: minute summaries, an object's timeline, and the seed-style /api/cluster/history.

All three read the store, not the live copy: history outlives a restart and is served by every replica,
including a standby that watches nothing. `since` / `until` take an RFC 3339 time
(`2026-11-24T12:00:00Z`; no offset = UTC) or a duration back from now (`90s`, `15m`, `2h`, `1d`);
anything else is a 400 problem+json naming the parameter.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from kubemedic.api.auth import Caller
from kubemedic.domain import InputError
from kubemedic.state.timeutil import parse_instant as instant
from kubemedic.store import ClusterSummary, Store, TimelineEntry

Watched = Callable[[], Sequence[str]]  # names of the clusters this process reads
Clock = Callable[[], datetime]

DEFAULT_WINDOW = timedelta(hours=1)


def parse_instant(name: str, text: str | None, now: datetime) -> datetime | None:
    """The `name` query parameter as an aware datetime (see timeutil.parse_instant); None when absent."""
    if text is None or not text.strip():
        return None
    try:
        return instant(text, now)
    except OverflowError:
        raise InputError(f"{name}={text!r} reaches back further than a calendar can") from None
    except ValueError as exc:
        raise InputError(f"{name}={text!r} is {exc}") from None


def window(
    since: str | None, until: str | None, now: datetime, default: timedelta | None
) -> tuple[datetime | None, datetime | None]:
    """The [since, until) a request asks for; without `since`, `default` back from `until` (or now)."""
    end = parse_instant("until", until, now)
    start = parse_instant("since", since, now)
    if start is None and default is not None:
        try:
            start = (end or now) - default
        except OverflowError:
            raise InputError(f"until={until!r} is too early to look back from") from None
    if start is not None and end is not None and start >= end:
        raise InputError(f"since ({start.isoformat()}) must be before until ({end.isoformat()})")
    return start, end


def summary_dict(s: ClusterSummary) -> dict[str, Any]:
    return {
        "cluster": s.cluster,
        "at": s.at.isoformat(),
        "nodes": {"ready": s.nodes_ready, "total": s.nodes_total},
        "pods": {"ready": s.pods_ready, "total": s.pods_total, "by_phase": dict(s.pods_by_phase)},
        "restarts": s.restarts,
        "findings": {"open_by_severity": dict(s.findings_by_severity), "top": list(s.top_findings)},
        "incidents_open": s.incidents_open,
    }


def entry_dict(e: TimelineEntry, *, with_object: bool) -> dict[str, Any]:
    where = {"kind": e.kind, "namespace": e.namespace, "name": e.name} if with_object else {}
    return {**e.data, "at": e.at.isoformat(), **where, "type": e.type, "text": e.text}


def history_router(store: Store, viewer: Any, watched: Watched, clock: Clock | None = None) -> APIRouter:
    router = APIRouter()
    Viewer = Annotated[Caller, Depends(viewer)]
    now = clock or (lambda: datetime.now(UTC))

    def which(cluster: str | None) -> str | None:
        """The cluster asked for; by default the only one watched here, else every cluster."""
        if cluster is not None:
            return cluster
        names = list(watched())
        return names[0] if len(names) == 1 else None

    @router.get("/api/v1/history")
    async def history(
        _c: Viewer,
        cluster: str | None = None,
        since: Annotated[str | None, Query(description="RFC 3339 time or a duration ago (15m, 2h)")] = None,
        until: Annotated[str | None, Query(description="RFC 3339 time or a duration ago")] = None,
        limit: Annotated[int, Query(ge=1, le=1440)] = 60,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """The minute cluster summaries in [since, until), oldest first (default: the last hour)."""
        start, end = window(since, until, now(), DEFAULT_WINDOW)
        name = which(cluster)
        page = await store.history.summaries(cluster=name, since=start, until=end, limit=limit, cursor=cursor)
        return {
            "cluster": name,
            "since": start.isoformat() if start else None,
            "until": end.isoformat() if end else None,
            "items": [summary_dict(s) for s in page.items],
            "next_cursor": page.next_cursor,
        }

    @router.get("/api/v1/timeline/{kind}/{namespace}/{name}")
    async def timeline(
        kind: str,
        namespace: str,
        name: str,
        _c: Viewer,
        cluster: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> dict[str, Any]:
        """One object's history, oldest first; `-` as the namespace of a cluster-scoped object."""
        start, end = window(since, until, now(), None)
        entries = await store.timeline(
            which(cluster),
            kind,
            "" if namespace == "-" else namespace,
            name,
            since=start,
            until=end,
            limit=limit,
        )
        return {"items": [entry_dict(e, with_object=False) for e in entries]}

    @router.get("/api/cluster/history")
    async def alias_history(
        _c: Viewer, cluster: str | None = None, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        """Seed-style: the newest timeline entries, and the minute summaries of the window (last hour)."""
        name = which(cluster)
        first, last = window(since, until, now(), None)
        entries = await store.recent_timeline(name, since=first, until=last)
        start, end = window(since, until, now(), DEFAULT_WINDOW)
        summaries = await store.history.summaries(cluster=name, since=start, until=end, limit=1440)
        return {
            "items": [entry_dict(e, with_object=True) for e in entries],
            "summaries": [summary_dict(s) for s in summaries.items],
        }

    return router
