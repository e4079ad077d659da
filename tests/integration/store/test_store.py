"""The store's lifecycle on both backends: open, refresh, resolve, reopen, restart, paginate, purge."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from kubemedic.domain import Evidence, EvidenceSource, Finding, InputError, ObjectRef, Severity
from kubemedic.store import Store, TimelineEntry, parse_url
from tests.integration.store.conftest import incident, open_store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def finding(name: str, *, category: str = "crash-loop", severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        object=ObjectRef("Deployment", "shop", name, uid=f"uid-{name}"),
        severity=severity,
        category=category,
        title=f"{name}: {category}",
        message=f"{name} is broken",
        root_cause="because",
        evidence=(
            Evidence(
                EvidenceSource.LOG, "FATAL boom", "logs/shop/x/app.log:3", ObjectRef("Pod", "shop", "x")
            ),
        ),
        remediation="fix it",
        related=(ObjectRef("Pod", "shop", f"{name}-1"),),
        incident_id="inc-1",
    )


async def test_scan_lifecycle_open_refresh_resolve_reopen(store_url: str) -> None:
    a, b = finding("api"), finding("web", category="probe")
    async with open_store(store_url) as store:
        first = await store.apply_scan("prod", [a, b], [], T0)
        assert sorted(first.opened) == sorted([a.id, b.id])
        again = await store.apply_scan("prod", [a, b], [], T0 + timedelta(minutes=1))
        assert again.opened == () and sorted(again.updated) == sorted([a.id, b.id])
        gone = await store.apply_scan("prod", [a], [], T0 + timedelta(minutes=2))
        assert gone.resolved == (b.id,)
        back = await store.apply_scan("prod", [a, b], [], T0 + timedelta(minutes=3))
        assert back.opened == (b.id,)
        stored = await store.finding("prod", a.id)
        assert stored is not None and stored.occurrences == 4 and stored.status == "open"
        assert stored.first_seen == T0 and stored.last_seen == T0 + timedelta(minutes=3)
        assert stored.finding == a, "findings come back exactly as they went in"
        history = await store.timeline("prod", "Deployment", "shop", "web")
        assert [e.type for e in history] == ["finding-opened", "finding-resolved", "finding-opened"]


async def test_a_finding_missed_briefly_stays_open_unless_its_object_is_gone(store_url: str) -> None:
    """Between two crashes a crash loop is not reported: within the grace period it stays one open
    finding (no resolve/reopen pair on the stream); gone longer, or its object deleted, it resolves."""
    a, b = finding("api"), finding("web", category="probe")
    grace = timedelta(seconds=60)
    everything_exists = lambda kind, namespace, name: True  # noqa: E731
    async with open_store(store_url) as store:
        await store.apply_scan("prod", [a, b], [], T0)
        held = await store.apply_scan(
            "prod", [a], [], T0 + timedelta(seconds=30), resolve_after=grace, exists=everything_exists
        )
        assert held.resolved == () and held.opened == ()
        back = await store.apply_scan("prod", [a, b], [], T0 + timedelta(seconds=45), resolve_after=grace)
        assert back.opened == (), "seen again within the grace: it never closed"
        stored = await store.finding("prod", b.id)
        assert stored is not None and stored.status == "open"
        later = await store.apply_scan(
            "prod", [a], [], T0 + timedelta(seconds=200), resolve_after=grace, exists=everything_exists
        )
        assert later.resolved == (b.id,), "missing for longer than the grace: resolved"
        await store.apply_scan("prod", [a, b], [], T0 + timedelta(seconds=210), resolve_after=grace)
        deleted = await store.apply_scan(
            "prod",
            [a],
            [],
            T0 + timedelta(seconds=215),
            resolve_after=grace,
            exists=lambda kind, namespace, name: name != "web",
        )
        assert deleted.resolved == (b.id,), "its object was deleted: resolved at once"


async def test_restart_keeps_history_and_never_duplicates(store_url: str) -> None:
    a = finding("api")
    async with open_store(store_url) as store:
        await store.apply_scan("prod", [a], [], T0)
    async with open_store(store_url) as store:  # a new process on the same database
        await store.apply_scan("prod", [a], [], T0 + timedelta(minutes=5))
        page = await store.findings(cluster="prod")
    assert len(page.items) == 1 and page.items[0].occurrences == 2 and page.items[0].first_seen == T0


async def test_pagination_returns_every_finding_once_with_filters(store_url: str) -> None:
    names = [f"svc-{i:02d}" for i in range(23)]
    async with open_store(store_url) as store:
        for i, name in enumerate(names):  # different last_seen for half of them
            sev = Severity.WARNING if i % 2 else Severity.ERROR
            await store.apply_scan(
                f"c{i % 2}", [finding(name, severity=sev)], [], T0 + timedelta(seconds=i // 2)
            )
        seen: list[str] = []
        cursor = None
        while True:
            page = await store.findings(limit=5, cursor=cursor)
            seen += [s.finding.object.name for s in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert sorted(seen) == names and len(seen) == len(set(seen))
        errors = await store.findings(severity_at_least=Severity.ERROR, limit=100)
        assert {s.finding.severity for s in errors.items} == {Severity.ERROR}
        assert len((await store.findings(cluster="c1", limit=100)).items) == 11
        with pytest.raises(InputError, match="cursor"):
            await store.findings(cursor="garbage")
        with pytest.raises(InputError, match="limit"):
            await store.findings(limit=0)


async def test_purge_forgets_old_resolved_findings_and_timeline(store_url: str) -> None:
    a, b = finding("api"), finding("web")
    async with open_store(store_url) as store:
        await store.apply_scan("prod", [a, b], [], T0)
        await store.apply_scan("prod", [a], [], T0 + timedelta(hours=1))  # b resolved
        await store.add_timeline([TimelineEntry("prod", "Pod", "shop", "x", T0, "event", "Pulled")])
        result = await store.purge(T0 + timedelta(hours=2))
        assert result.findings == 1 and result.timeline >= 1
        remaining = await store.findings(limit=100)
        assert [s.finding.id for s in remaining.items] == [a.id]


async def test_bad_database_urls_are_named() -> None:
    with pytest.raises(InputError, match="mysql"):
        parse_url("mysql://root@localhost/x")
    with pytest.raises(InputError, match="not a URL"):
        parse_url("::nonsense::")
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert isinstance(Store.open("sqlite:///:memory:"), Store)


async def test_api_keys_store_only_a_digest_and_revoke(store_url: str) -> None:
    async with open_store(store_url) as store:
        key_id, key = await store.api_keys.create("grafana", "viewer", T0)
        assert key.startswith(f"km_{key_id}_")
        assert await store.api_keys.verify(key) == "viewer"
        assert await store.api_keys.verify(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
        assert await store.api_keys.verify("km_nope_secret") is None
        assert await store.api_keys.verify("not-a-key") is None
        [info] = await store.api_keys.list()
        assert info.name == "grafana" and info.role == "viewer" and info.revoked_at is None
        assert await store.api_keys.revoke(key_id, T0) is True
        assert await store.api_keys.verify(key) is None
        assert await store.api_keys.revoke(key_id, T0) is False
        with pytest.raises(InputError, match="role"):
            await store.api_keys.create("x", "root", T0)
    secret = key.split("_", 2)[2]
    async with open_store(store_url) as store, store.engine.connect() as conn:  # the secret is nowhere stored
        rows = (await conn.execute(text("select * from api_keys"))).all()
    assert rows and all(secret not in str(row) for row in rows)


async def test_remembered_open_findings_write_what_changes_and_forget_rereads(store_url: str) -> None:
    """After its first scan a Store loads only the rows that change; a changed finding is still
    written, and after forget() (a new watcher took over) rows another writer changed are read again."""
    a, b = finding("api"), finding("web", category="probe")
    async with open_store(store_url) as store, open_store(store_url) as other:
        await store.apply_scan("prod", [a, b], [], T0)
        await store.apply_scan("prod", [a, b], [], T0 + timedelta(minutes=1))
        worse = replace(a, message="api is very broken", severity=Severity.CRITICAL)
        changed = await store.apply_scan("prod", [worse, b], [], T0 + timedelta(minutes=2))
        assert changed.opened == () and sorted(changed.updated) == sorted([a.id, b.id])
        stored = await store.finding("prod", a.id)
        assert stored is not None and stored.finding == worse and stored.occurrences == 3
        assert stored.status == "open" and stored.last_seen == T0 + timedelta(minutes=2)
        critical = await store.findings(cluster="prod", severity_at_least=Severity.CRITICAL)
        assert [s.finding.id for s in critical.items] == [a.id], "its severity columns were rewritten too"
        # another replica resolves web while this one is not watching
        await other.apply_scan("prod", [worse], [], T0 + timedelta(minutes=3))
        store.forget("prod")
        back = await store.apply_scan("prod", [worse, b], [], T0 + timedelta(minutes=4))
        assert back.opened == (b.id,), "the resolved row was read again, so web reopens"
        web = await store.finding("prod", b.id)
        assert web is not None and web.status == "open" and web.occurrences == 4  # seen in 4 scans


async def test_remembered_open_incidents_write_what_changes_and_forget_rereads(store_url: str) -> None:
    """Open incidents are remembered like findings: one equal to what was written is only bumped, a
    changed one is written, one whose root finding is held stays open until that finding resolves, and
    after forget() an incident another writer resolved is read again (and reopened)."""
    a, b = finding("api"), replace(finding("web", category="probe"), incident_id="inc-2")
    ia, ib = incident(a), incident(b)
    grace = timedelta(seconds=60)
    everything_exists = lambda kind, namespace, name: True  # noqa: E731

    async def by_id(store: Store) -> dict[str, Any]:
        return {i.id: i for i in await store.incidents(cluster="prod")}

    async with open_store(store_url) as store, open_store(store_url) as other:
        await store.apply_scan("prod", [a, b], [ia, ib], T0)
        await store.apply_scan("prod", [a, b], [ia, ib], T0 + timedelta(seconds=10))
        seen = await by_id(store)
        assert seen[ia.id].last_seen == T0 + timedelta(seconds=10) and seen[ia.id].first_seen == T0
        deeper = replace(ia, root_cause="the database refuses connections")
        await store.apply_scan("prod", [a, b], [deeper, ib], T0 + timedelta(seconds=20))
        seen = await by_id(store)
        assert seen[ia.id].root_cause == "the database refuses connections"
        assert seen[ia.id].last_seen == T0 + timedelta(seconds=20) and seen[ia.id].status == "open"
        # web is not reported for a while: its finding is held, and so is the incident rooted at it
        for at in (30, 40):
            await store.apply_scan(
                "prod",
                [a],
                [deeper],
                T0 + timedelta(seconds=at),
                resolve_after=grace,
                exists=everything_exists,
            )
            seen = await by_id(store)
            assert seen[ib.id].status == "open" and seen[ib.id].last_seen == T0 + timedelta(seconds=20)
        await store.apply_scan(
            "prod", [a], [deeper], T0 + timedelta(seconds=200), resolve_after=grace, exists=everything_exists
        )
        seen = await by_id(store)
        assert seen[ib.id].status == "resolved" and seen[ib.id].resolved_at == T0 + timedelta(seconds=200)
        # another replica resolves the api incident while this one is not watching
        await other.apply_scan("prod", [a], [], T0 + timedelta(seconds=210))
        assert (await by_id(store))[ia.id].status == "resolved"
        store.forget("prod")
        await store.apply_scan("prod", [a], [deeper], T0 + timedelta(seconds=220))
        seen = await by_id(store)
        assert seen[ia.id].status == "open", "the resolved row was read again, so the incident reopens"
        assert seen[ia.id].resolved_at is None and seen[ia.id].last_seen == T0 + timedelta(seconds=220)


async def test_a_resolved_incident_that_comes_back_reopens_its_row_while_open_ones_are_remembered(
    store_url: str,
) -> None:
    """The store remembers only open incidents: one that resolved and comes back is read from its row
    and reopened - the same row, not a second one."""
    a = finding("api")
    ia = incident(a)
    async with open_store(store_url) as store:
        await store.apply_scan("prod", [a], [ia], T0)
        await store.apply_scan("prod", [], [], T0 + timedelta(seconds=10))
        (gone,) = await store.incidents(cluster="prod")
        assert gone.status == "resolved"
        await store.apply_scan("prod", [a], [ia], T0 + timedelta(seconds=20))
        (back,) = await store.incidents(cluster="prod")
        assert back.id == ia.id and back.status == "open" and back.resolved_at is None
        assert back.first_seen == T0 and back.last_seen == T0 + timedelta(seconds=20)


async def test_on_sqlite_a_reader_in_another_connection_does_not_hold_up_a_write(tmp_path: Any) -> None:
    """serve's API process reads while its watcher writes: with the write-ahead log, a write commits
    while a read transaction is open (in the default journal mode it would wait for the reader)."""
    import asyncio

    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    async with Store.open(url) as writer, Store.open(url) as reader:
        async with writer.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        await writer.apply_scan("prod", [finding("a")], [incident(finding("a"))], T0)
        async with reader.engine.connect() as conn:
            await conn.execute(text("BEGIN"))
            rows = (await conn.execute(text("SELECT count(*) FROM findings"))).scalar()
            assert rows == 1  # the reader now holds a snapshot
            write = writer.apply_scan("prod", [finding("a"), finding("b")], [], T0 + timedelta(seconds=5))
            result = await asyncio.wait_for(write, timeout=3)
            assert result.opened == (finding("b").id,)
            assert (await conn.execute(text("SELECT count(*) FROM findings"))).scalar() == 1, "its snapshot"
            await conn.execute(text("COMMIT"))
        assert len((await reader.findings(cluster="prod")).items) == 2
