"""Minute summaries and retention on both backends: windows, pages, the open overview, and a purge that
deletes exactly what is older than the retention (and never what is still open)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from kubemedic.domain import Finding, InputError, ObjectRef, Severity
from kubemedic.store import ClusterSummary, TimelineEntry
from tests.integration.store.conftest import incident, open_store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def summary(minute: int, *, cluster: str = "prod", restarts: int = 0) -> ClusterSummary:
    return ClusterSummary(
        cluster=cluster,
        at=T0 + timedelta(minutes=minute),
        nodes_ready=2,
        nodes_total=3,
        pods_ready=10 + minute,
        pods_total=12 + minute,
        pods_by_phase={"Pending": 1, "Running": 11 + minute},
        restarts=restarts,
        findings_by_severity={"error": 1},
        incidents_open=1,
        top_findings=("api: crash loop",),
    )


def finding(name: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        object=ObjectRef("Deployment", "shop", name, uid=f"uid-{name}"),
        severity=severity,
        category="crash-loop",
        title=f"{name}: crash loop",
        message="m",
        root_cause="r",
        incident_id=f"inc-{name}",
    )


async def test_summaries_round_trip_in_time_order_within_the_window(store_url: str) -> None:
    async with open_store(store_url) as store:
        for minute in (2, 0, 1, 3):
            await store.history.add_summary(summary(minute, restarts=minute))
        await store.history.add_summary(summary(1, cluster="staging"))
        page = await store.history.summaries(cluster="prod")
        assert [s.at for s in page.items] == [T0 + timedelta(minutes=m) for m in range(4)]
        assert page.items[2] == summary(2, restarts=2), "a summary comes back exactly as written"
        window = await store.history.summaries(
            cluster="prod", since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3)
        )
        assert [s.restarts for s in window.items] == [1, 2], "since is inclusive, until exclusive"
        both = await store.history.summaries(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=2))
        assert sorted(s.cluster for s in both.items) == ["prod", "staging"]


async def test_summary_pages_return_every_row_once_even_with_equal_timestamps(store_url: str) -> None:
    async with open_store(store_url) as store:
        for minute in range(7):
            await store.history.add_summary(summary(minute // 2, restarts=minute))  # pairs share `at`
        seen: list[int] = []
        cursor = None
        while True:
            page = await store.history.summaries(cluster="prod", limit=3, cursor=cursor)
            seen += [s.restarts for s in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert sorted(seen) == list(range(7)) and len(seen) == 7


async def test_a_hand_made_cursor_without_offset_is_read_as_utc(store_url: str) -> None:
    naive = base64.urlsafe_b64encode(orjson.dumps(["2026-11-24T12:00:00", 0])).decode()
    async with open_store(store_url) as store:
        await store.history.add_summary(summary(1))
        page = await store.history.summaries(cursor=naive)
        assert [s.at for s in page.items] == [T0 + timedelta(minutes=1)]
        findings = await store.findings(cursor=naive)
        assert findings.items == ()


async def test_bad_summary_queries_say_what_is_wrong(store_url: str) -> None:
    async with open_store(store_url) as store:
        with pytest.raises(InputError, match=r"since .* must be before until"):
            await store.history.summaries(since=T0, until=T0)
        with pytest.raises(InputError, match="limit"):
            await store.history.summaries(limit=0)
        with pytest.raises(InputError, match="cursor"):
            await store.history.summaries(cursor="not-a-cursor")


async def test_open_overview_counts_what_is_open(store_url: str) -> None:
    crit, err, warn = finding("db", Severity.CRITICAL), finding("api"), finding("web", Severity.WARNING)
    gone = finding("old")
    async with open_store(store_url) as store:
        await store.apply_scan("prod", [crit, err, warn, gone], [incident(crit), incident(gone)], T0)
        await store.apply_scan("prod", [crit, err, warn], [incident(crit)], T0 + timedelta(minutes=1))
        await store.apply_scan("other", [finding("x")], [], T0)
        overview = await store.history.open_overview("prod")
    assert overview.findings_by_severity == {"critical": 1, "error": 1, "warning": 1}
    assert overview.incidents_open == 1
    assert overview.top_findings == ("db: crash loop", "api: crash loop", "web: crash loop")


async def test_purge_deletes_exactly_what_is_older_than_the_retention(store_url: str) -> None:
    old, kept_open, recent = finding("old"), finding("still-broken"), finding("recent")
    cutoff = T0 + timedelta(hours=24)
    async with open_store(store_url) as store:
        await store.apply_scan("prod", [old, kept_open], [incident(old), incident(kept_open)], T0)
        await store.apply_scan("prod", [kept_open], [incident(kept_open)], T0 + timedelta(hours=1))
        await store.apply_scan("prod", [kept_open, recent], [incident(kept_open), incident(recent)], cutoff)
        await store.apply_scan(
            "prod", [kept_open], [incident(kept_open)], cutoff + timedelta(minutes=1)
        )  # recent: resolved after the cutoff
        await store.add_timeline(
            [
                TimelineEntry("prod", "Pod", "shop", "x", cutoff - timedelta(seconds=1), "event", "old"),
                TimelineEntry("prod", "Pod", "shop", "x", cutoff, "event", "kept"),
            ]
        )
        await store.history.add_summary(summary(24 * 60 - 1))
        await store.history.add_summary(summary(24 * 60))
        result = await store.purge(cutoff)
        assert (result.findings, result.incidents, result.summaries) == (1, 1, 1)
        names = sorted(s.finding.object.name for s in (await store.findings(limit=100)).items)
        assert names == ["recent", "still-broken"], "open findings are kept however old"
        assert sorted(i.id for i in await store.incidents()) == sorted([kept_open.incident_id, "inc-recent"])
        left = await store.timeline("prod", "Pod", "shop", "x")
        assert [e.text for e in left] == ["kept"]
        assert [s.at for s in (await store.history.summaries()).items] == [cutoff]
        again = await store.purge(cutoff)
        assert (again.findings, again.incidents, again.timeline, again.summaries) == (0, 0, 0, 0)


async def test_timeline_windows(store_url: str) -> None:
    async with open_store(store_url) as store:
        await store.add_timeline(
            [
                TimelineEntry("prod", "Pod", "shop", "x", T0 + timedelta(minutes=m), "event", f"e{m}")
                for m in range(5)
            ]
        )
        one = await store.timeline(
            "prod", "Pod", "shop", "x", since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3)
        )
        assert [e.text for e in one] == ["e1", "e2"]
        recent = await store.recent_timeline("prod", since=T0 + timedelta(minutes=3))
        assert [e.text for e in recent] == ["e4", "e3"]
