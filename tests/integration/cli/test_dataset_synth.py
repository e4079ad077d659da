"""`kubemedic dataset synth` end to end: two sim scenarios and the clean run played for a few simulated
minutes, read back with the csv module. The same seed gives the same bytes (even across processes with
different hash seeds), the labels say what was planted where and when, the scan's findings see the
faults, and bad input is refused before anything is written."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubemedic.cli import app

pytestmark = pytest.mark.integration
runner = CliRunner()
FILES = ("metrics.csv", "events.csv", "findings.csv", "dataset.json", "README.md")
ARGS = ["--scenarios", "memory-leak,crashloop-config", "--minutes", "3", "--interval", "5"]
MI = 1024 * 1024


def synth(out: Path, *extra: str) -> None:
    result = runner.invoke(app, ["dataset", "synth", "-o", str(out), *ARGS, *extra])
    assert result.exit_code == 0, result.output
    assert "synthesized 3 runs" in result.output


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "a"
    synth(out, "--seed", "11")
    return out


def test_the_same_seed_gives_byte_identical_files_and_another_seed_does_not(
    corpus: Path, tmp_path: Path
) -> None:
    synth(tmp_path / "b", "--seed", "11")
    for name in FILES:
        assert (tmp_path / "b" / name).read_bytes() == (corpus / name).read_bytes(), name
    synth(tmp_path / "c", "--seed", "12")
    assert (tmp_path / "c" / "metrics.csv").read_bytes() != (corpus / "metrics.csv").read_bytes()


def test_the_same_seed_repeats_in_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        argv = [sys.executable, "-m", "kubemedic", "dataset", "synth", "-o", str(out)]
        argv += ["--scenarios", "rollout-stuck", "--minutes", "1.5", "--interval", "5"]
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        digests.append([(out / name).read_bytes() for name in FILES])
    assert digests[0] == digests[1]


def test_every_row_says_which_fault_was_planted_where_and_whether_it_was_active(corpus: Path) -> None:
    manifest = json.loads((corpus / "dataset.json").read_text())
    assert manifest["seed"] == 11 and manifest["samples_per_run"] == 36
    planted = manifest["fault_after_seconds"]
    assert planted == 45.0  # a quarter of the 3-minute run
    assert [r["name"] for r in manifest["runs"]] == ["clean", "memory-leak", "crashloop-config"]
    metrics = read(corpus / "metrics.csv")
    clean = [r for r in metrics if r["scenario"] == "clean"]
    assert clean and all(r["label"] == "" and r["fault_active"] == "false" for r in clean)
    leak = [r for r in metrics if r["scenario"] == "memory-leak" and r["owner_name"] == "session-cache"]
    assert leak and {r["fault_object"] for r in leak} == {"Deployment shop/session-cache"}
    assert all(r["on_fault_object"] == "true" and r["label"] == "oom" for r in leak)
    assert min(float(r["elapsed_s"]) for r in leak) >= planted  # it does not exist before it is planted
    assert max(int(r["memory_bytes"]) for r in leak) > 200 * MI  # the climb toward its 256Mi limit
    assert max(int(r["restarts"]) for r in leak) >= 1  # ... and the OOM kill
    assert {r["memory_limit_bytes"] for r in leak} == {str(256 * MI)}
    others = [r for r in metrics if r["scenario"] == "memory-leak" and r["owner_name"] != "session-cache"]
    assert others and all(r["label"] == "" and r["on_fault_object"] == "false" for r in others)
    before = [r for r in metrics if r["scenario"] == "memory-leak" and float(r["elapsed_s"]) < planted]
    assert before and all(r["fault_active"] == "false" for r in before)


def test_the_scan_at_each_moment_sees_the_fault_and_only_after_it_was_planted(corpus: Path) -> None:
    findings = read(corpus / "findings.csv")
    assert not [f for f in findings if f["scenario"] == "clean"], "a healthy cluster has no findings"
    crash = [f for f in findings if f["scenario"] == "crashloop-config" and f["matches_fault"] == "true"]
    assert crash and {(f["kind"], f["namespace"], f["name"], f["category"]) for f in crash} == {
        ("Deployment", "payments", "payments-api", "crash-loop")
    }
    assert all(f["label"] == "crash-loop" and f["fault_visible"] == "true" for f in crash)
    oom = [f for f in findings if f["scenario"] == "memory-leak" and f["matches_fault"] == "true"]
    assert oom and all(f["category"] == "oom" for f in oom)
    events = read(corpus / "events.csv")
    backoff = [e for e in events if e["scenario"] == "crashloop-config" and e["reason"] == "BackOff"]
    assert backoff and all(e["label"] == "crash-loop" and e["type"] == "Warning" for e in backoff)
    assert all(e["object_name"].startswith("payments-api-") for e in backoff)


def test_the_manifest_counts_match_the_files(corpus: Path) -> None:
    manifest = json.loads((corpus / "dataset.json").read_text())
    for table in ("metrics", "events", "findings"):
        rows = read(corpus / f"{table}.csv")
        assert manifest["files"][table]["rows"] == len(rows) > 0
        assert list(manifest["files"][table]["columns"]) == list(rows[0])
        assert sum(run[table] for run in manifest["rows_by_run"].values()) == len(rows)
    assert set(manifest["labels"]) >= {"fault_active", "fault_visible", "on_fault_object", "label"}


def test_an_unknown_scenario_exits_2_naming_it_and_the_valid_ones(tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = runner.invoke(app, ["dataset", "synth", "-o", str(out), "--scenarios", "memory-leak,nope"])
    assert result.exit_code == 2
    assert "unknown scenario 'nope'" in result.output and "memory-leak" in result.output
    assert "rollout-stuck" in result.output  # the valid names are listed
    assert not out.exists()


def test_bad_numbers_and_a_used_directory_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["dataset", "synth", "-o", str(used), "--scenarios", "memory-leak"])
    assert result.exit_code == 2 and "is not empty" in result.output
    assert [p.name for p in used.iterdir()] == ["keep.txt"]
    out = tmp_path / "new"
    for args, says in (
        (["--minutes", "1", "--interval", "90"], "--interval 90s is longer than the run"),
        (["--minutes", "1", "--fault-after", "60"], "--fault-after 60s must be >= 0 and inside the run"),
        (["--minutes", "0"], "--minutes must be positive"),
        (["--format", "xlsx"], "--format 'xlsx' is not one of csv, parquet"),
    ):
        result = runner.invoke(app, ["dataset", "synth", "-o", str(out), *args])
        assert result.exit_code == 2 and says in result.output, (args, result.output)
        assert not out.exists()


def test_parquet_has_typed_columns_and_repeats_when_pyarrow_is_installed(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    args = ["--scenarios", "memory-leak", "--minutes", "1", "--format", "parquet"]
    for name in ("p1", "p2"):
        result = runner.invoke(app, ["dataset", "synth", "-o", str(tmp_path / name), *args])
        assert result.exit_code == 0, result.output
    metrics = pq.read_table(tmp_path / "p1" / "metrics.parquet")
    assert str(metrics.schema.field("at").type) == "timestamp[us, tz=UTC]"
    assert str(metrics.schema.field("memory_bytes").type) == "int64"
    assert str(metrics.schema.field("fault_active").type) == "bool"
    assert str(metrics.schema.field("cpu_limit_cores").type) == "double"
    manifest = json.loads((tmp_path / "p1" / "dataset.json").read_text())
    assert metrics.num_rows == manifest["files"]["metrics"]["rows"] > 0
    for name in ("metrics.parquet", "events.parquet", "findings.parquet"):
        assert (tmp_path / "p1" / name).read_bytes() == (tmp_path / "p2" / name).read_bytes(), name


def test_parquet_without_pyarrow_says_how_to_get_it(tmp_path: Path) -> None:
    if importlib.util.find_spec("pyarrow") is not None:
        pytest.skip("pyarrow is installed here; the refusal is for machines without it")
    out = tmp_path / "pq"
    result = runner.invoke(app, ["dataset", "synth", "-o", str(out), "--format", "parquet"])
    assert result.exit_code == 2 and "pip install pyarrow" in result.output
    assert not out.exists()
