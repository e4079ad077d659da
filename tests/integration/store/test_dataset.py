"""`kubemedic dataset export` on both backends: the files read back with the csv module, the timeline
labelled with what was open on each object at each moment, the time window and cluster filter, and the
refusals (a used directory, a bad --since, parquet without pyarrow)."""

from __future__ import annotations

import asyncio
import csv
import importlib.util
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubemedic.cli import app
from kubemedic.domain import Finding, InputError, ObjectRef, Severity
from kubemedic.metrics.samples import MEMORY_BYTES, Sample, SeriesId
from kubemedic.service.dataset import ExportOptions, export_dataset, parse_when
from kubemedic.store import ClusterSummary, Store, TimelineEntry
from tests.integration.store.conftest import incident, open_store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=1)
runner = CliRunner()
API_MEMORY = SeriesId(MEMORY_BYTES, "Pod", "shop", "api", "app")
DB_MEMORY = SeriesId(MEMORY_BYTES, "Pod", "shop", "db", "")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def finding(name: str, category: str = "crash-loop") -> Finding:
    return Finding(
        object=ObjectRef("Pod", "shop", name, uid=f"uid-{name}"),
        severity=Severity.ERROR,
        category=category,
        title=f"{name}: {category}",
        message="m",
        root_cause="r",
        incident_id=f"inc-{name}",
    )


def event(name: str, minutes: float, text: str, *, cluster: str = "prod") -> TimelineEntry:
    return TimelineEntry(cluster, "Pod", "shop", name, at(minutes), "event", text, {"reason": text})


async def fill(store: Store) -> None:
    """api crash-loops from minute 0 to 10 and again from 20; web never has a finding."""
    api = finding("api")
    await store.add_timeline([event("api", -5, "Pulled"), event("web", 2, "Started")])
    await store.apply_scan("prod", [api], [incident(api)], at(0))
    await store.add_timeline([event("api", 1, "BackOff"), event("api", 6, "BackOff")])
    await store.apply_scan("prod", [], [], at(10))
    await store.add_timeline([event("api", 11, "Started")])
    await store.apply_scan("prod", [api], [incident(api)], at(20))
    await store.add_timeline([event("api", 21, "BackOff")])
    other = finding("db", "oom-killed")
    await store.apply_scan("staging", [other], [incident(other)], at(3))
    await store.add_timeline([event("db", 4, "OOMKilling", cluster="staging")])
    # api's memory every 15 s from minute -2 to 24 (1.0, 2.0, ...), db's in staging at minute 3
    api_memory = [Sample(API_MEMORY, at(n / 4).timestamp(), float(n + 9)) for n in range(-8, 100)]
    await store.series.write("prod", api_memory)
    await store.series.write("staging", [Sample(DB_MEMORY, at(3).timestamp(), 5e8)])
    for minute in range(4):
        await store.history.add_summary(
            ClusterSummary("prod", at(minute), 2, 2, 5, 6, {"Running": 5}, minute, {"error": 1}, 1, ("t",))
        )


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def labels(rows: list[dict[str, str]]) -> list[tuple[str, str, str, str]]:
    return [(r["name"], r["at"], r["type"], r["label"]) for r in rows]


async def test_export_writes_labelled_tables_and_a_manifest(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    async with open_store(store_url) as store:
        await fill(store)
        result = await export_dataset(store, ExportOptions(out), now=NOW)
    timeline = read(out / "timeline.csv")
    prod = [r for r in timeline if r["cluster"] == "prod"]
    assert labels(prod) == [
        ("api", at(-5).isoformat(), "event", ""),
        ("api", at(0).isoformat(), "finding-opened", "crash-loop"),
        ("api", at(1).isoformat(), "event", "crash-loop"),
        ("web", at(2).isoformat(), "event", ""),  # another object: nothing open on it
        ("api", at(6).isoformat(), "event", "crash-loop"),
        ("api", at(10).isoformat(), "finding-resolved", ""),
        ("api", at(11).isoformat(), "event", ""),  # between the two crash-loop spells
        ("api", at(20).isoformat(), "finding-opened", "crash-loop"),
        ("api", at(21).isoformat(), "event", "crash-loop"),
    ]
    assert [r["label"] for r in timeline if r["name"] == "db"] == ["oom-killed", "oom-killed"]
    assert result.labelled_rows == 7

    findings = read(out / "findings.csv")
    assert [(f["cluster"], f["name"], f["category"], f["status"]) for f in findings] == [
        ("prod", "api", "crash-loop", "open"),
        ("staging", "db", "oom-killed", "open"),
    ]
    api = findings[0]
    assert api["first_seen"] == at(0).isoformat() and api["last_seen"] == at(20).isoformat()
    assert api["resolved_at"] == "" and api["occurrences"] == "2" and api["incident_id"] == "inc-api"
    assert list(api) == [
        "id", "cluster", "kind", "namespace", "name", "category", "severity", "title", "status",
        "first_seen", "last_seen", "resolved_at", "occurrences", "incident_id",
    ]  # fmt: skip
    incidents = read(out / "incidents.csv")
    assert {i["id"]: i["finding_ids"] for i in incidents} == {
        "inc-api": api["id"],
        "inc-db": findings[1]["id"],
    }
    summaries = read(out / "summaries.csv")
    assert [s["restarts"] for s in summaries] == ["0", "1", "2", "3"]
    assert json.loads(summaries[0]["pods_by_phase"]) == {"Running": 5}

    manifest = json.loads((out / "dataset.json").read_text())
    assert {n: f["rows"] for n, f in manifest["files"].items()} == {
        "findings": 2,
        "incidents": 2,
        "timeline": 11,
        "summaries": 4,
        "series": 28,
    }
    assert manifest["files"]["timeline"]["columns"][-1] == "label"
    assert manifest["label"]["labelled_rows"] == 7 and manifest["exported_at"] == NOW.isoformat()
    assert manifest["series"]["step"] == "1m" and manifest["series"]["resolution_s"] == 60
    assert "series.csv" in (out / "README.md").read_text()


async def test_series_points_come_with_their_labels_and_what_was_open_at_each_minute(
    store_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "series"
    async with open_store(store_url) as store:
        await fill(store)
        await export_dataset(store, ExportOptions(out), now=NOW)
    rows = read(out / "series.csv")
    assert list(rows[0]) == [
        "at", "cluster", "metric", "kind", "namespace", "name", "container",
        "value", "min", "max", "count", "label",
    ]  # fmt: skip
    api = [r for r in rows if r["name"] == "api"]
    assert [r["at"] for r in api] == [at(m).isoformat() for m in range(-2, 25)], "one row per minute"
    first = api[0]
    assert (first["cluster"], first["metric"], first["kind"], first["namespace"], first["container"]) == (
        "prod",
        MEMORY_BYTES,
        "Pod",
        "shop",
        "app",
    )
    assert (float(first["value"]), float(first["min"]), float(first["max"]), first["count"]) == (
        2.5,
        1.0,
        4.0,
        "4",
    )
    by_minute = {r["at"]: r["label"] for r in api}
    assert by_minute[at(-1).isoformat()] == "", "before the crash loop"
    assert by_minute[at(0).isoformat()] == by_minute[at(9).isoformat()] == "crash-loop"
    assert by_minute[at(10).isoformat()] == by_minute[at(19).isoformat()] == "", "resolved at 10, back at 20"
    assert by_minute[at(24).isoformat()] == "crash-loop"
    [db] = [r for r in rows if r["name"] == "db"]
    assert (db["cluster"], db["container"], db["label"], float(db["value"])) == (
        "staging",
        "",
        "oom-killed",
        5e8,
    )


async def test_series_at_raw_and_ten_minute_steps_within_the_window(store_url: str, tmp_path: Path) -> None:
    async with open_store(store_url) as store:
        await fill(store)
        await export_dataset(
            store,
            ExportOptions(tmp_path / "raw", since=at(1), until=at(2), cluster="prod", step="raw"),
            now=NOW,
        )
        await export_dataset(store, ExportOptions(tmp_path / "ten", cluster="prod", step="10m"), now=NOW)
    raw = read(tmp_path / "raw" / "series.csv")
    assert [(r["at"], float(r["value"]), r["count"]) for r in raw] == [
        (at(1 + q / 4).isoformat(), 13.0 + q, "1") for q in range(4)
    ]
    ten = read(tmp_path / "ten" / "series.csv")
    assert [(r["at"], r["count"]) for r in ten] == [
        (at(-10).isoformat(), "8"),
        (at(0).isoformat(), "40"),
        (at(10).isoformat(), "40"),
        (at(20).isoformat(), "20"),
    ]
    assert float(ten[1]["min"]) == 9.0 and float(ten[1]["max"]) == 48.0 and float(ten[1]["value"]) == 28.5


async def test_window_and_cluster_filter_keep_what_was_open_before_since(
    store_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "window"
    async with open_store(store_url) as store:
        await fill(store)
        options = ExportOptions(out, since=at(5), until=at(12), cluster="prod")
        result = await export_dataset(store, options, now=NOW)
    assert labels(read(out / "timeline.csv")) == [
        ("api", at(6).isoformat(), "event", "crash-loop"),  # opened at 0, before the window
        ("api", at(10).isoformat(), "finding-resolved", ""),
        ("api", at(11).isoformat(), "event", ""),
    ]
    assert [f["name"] for f in read(out / "findings.csv")] == ["api"]  # staging's db filtered out
    assert read(out / "summaries.csv") == []  # summaries are at minutes 0-3
    assert {f.name: f.rows for f in result.files}["timeline"] == 3
    manifest = json.loads((out / "dataset.json").read_text())
    assert manifest["since"] == at(5).isoformat() and manifest["cluster"] == "prod"


async def test_a_finding_whose_opening_was_purged_still_labels_its_object(
    store_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "purged"
    async with open_store(store_url) as store:
        api = finding("api", "image-pull")
        await store.apply_scan("prod", [api], [incident(api)], at(0))
        await store.purge(at(30))  # retention drops the finding-opened entry; the open finding stays
        await store.add_timeline([event("api", 31, "Failed"), event("web", 31, "Started")])
        await export_dataset(store, ExportOptions(out), now=NOW)
    assert [(r["name"], r["label"]) for r in read(out / "timeline.csv")] == [
        ("api", "image-pull"),
        ("web", ""),
    ]


async def test_a_non_empty_directory_is_refused_and_left_alone(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "used"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    async with open_store(store_url) as store:
        with pytest.raises(InputError, match="is not empty"):
            await export_dataset(store, ExportOptions(out), now=NOW)
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


def test_parse_when_reads_durations_and_rfc3339_and_names_the_bad_flag() -> None:
    assert parse_when("since", "24h", NOW) == NOW - timedelta(hours=24)
    assert parse_when("until", "2026-11-24T12:00:00Z", NOW) == T0
    assert parse_when("since", "2026-11-24T13:00:00+01:00", NOW) == T0
    assert parse_when("since", None, NOW) is None
    with pytest.raises(InputError, match="--since 'yesterday'"):
        parse_when("since", "yesterday", NOW)


# ---- the command line (SQLite file) ------------------------------------------------------------------


def test_cli_exports_and_refuses_bad_input(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"

    async def prepare() -> None:
        async with Store.open(db) as store:
            await fill(store)

    asyncio.run(prepare())
    out = tmp_path / "cli"
    done = runner.invoke(app, ["dataset", "export", "-o", str(out), "--db", db, "--cluster", "prod"])
    assert done.exit_code == 0, done.output
    assert "9 timeline" in done.output and "5 labelled" in done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "dataset.json",
        "findings.csv",
        "incidents.csv",
        "series.csv",
        "summaries.csv",
        "timeline.csv",
    ]
    again = runner.invoke(app, ["dataset", "export", "-o", str(out), "--db", db])
    assert again.exit_code == 2 and "is not empty" in again.output

    bad = runner.invoke(app, ["dataset", "export", "-o", str(tmp_path / "x"), "--db", db, "--since", "soon"])
    assert bad.exit_code == 2 and "--since 'soon'" in bad.output
    backwards = ["--since", "2026-11-24T13:00:00Z", "--until", "2026-11-24T12:00:00Z"]
    bad = runner.invoke(app, ["dataset", "export", "-o", str(tmp_path / "x"), "--db", db, *backwards])
    assert bad.exit_code == 2 and "must be before --until" in bad.output
    bad = runner.invoke(app, ["dataset", "export", "-o", str(tmp_path / "x"), "--db", db, "--format", "xls"])
    assert bad.exit_code == 2 and "--format 'xls'" in bad.output
    bad = runner.invoke(app, ["dataset", "export", "-o", str(tmp_path / "x"), "--db", db, "--step", "5m"])
    assert bad.exit_code == 2 and "--step '5m' is not one of raw, 1m, 10m" in bad.output
    bad = runner.invoke(app, ["dataset", "export", "-o", str(tmp_path / "x"), "--db", "mysql://h/db"])
    assert bad.exit_code == 2 and "mysql" in bad.output
    assert not (tmp_path / "x").exists(), "nothing is written when the input is refused"


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is not None, reason="pyarrow is installed")
def test_parquet_without_pyarrow_says_how_to_get_it(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    out = tmp_path / "pq"
    bad = runner.invoke(app, ["dataset", "export", "-o", str(out), "--db", db, "--format", "parquet"])
    assert bad.exit_code == 2 and "pip install pyarrow" in bad.output
    assert not out.exists()


async def test_parquet_round_trip_when_pyarrow_is_installed(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "pq"
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        await fill(store)
        await export_dataset(store, ExportOptions(out, format="parquet"), now=NOW)
    timeline = pq.read_table(out / "timeline.parquet")
    assert timeline.num_rows == 11 and timeline.column_names[-1] == "label"
    assert timeline.column("label").to_pylist()[:3] == ["", "crash-loop", "crash-loop"]
    findings = pq.read_table(out / "findings.parquet")
    assert str(findings.schema.field("resolved_at").type) == "timestamp[us, tz=UTC]"  # even when all empty
    assert findings.column("resolved_at").to_pylist() == [None, None]
    assert findings.column("occurrences").to_pylist() == [2, 1]
    series = pq.read_table(out / "series.parquet")
    assert str(series.schema.field("value").type) == "double" and series.num_rows == 28
