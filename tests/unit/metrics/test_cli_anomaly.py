"""`kubemedic anomaly detect|detectors` on small CSV files, good and malformed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kubemedic.cli import app

runner = CliRunner()


@pytest.fixture
def spiky_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(5)
    values = 50 + rng.normal(0, 1, 400)
    values[320] += 30
    lines = ["timestamp,value"] + [
        f"2026-03-01T{i // 60:02d}:{i % 60:02d}:00Z,{v:.4f}" for i, v in enumerate(values)
    ]
    path = tmp_path / "cpu.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_detect_prints_detections_and_one_score_per_row(spiky_csv: Path) -> None:
    result = runner.invoke(app, ["anomaly", "detect", str(spiky_csv)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert len(body["scores"]) == 400
    assert [d["timestamp"] for d in body["detections"]] == ["2026-03-01T05:20:00Z"]
    hit = body["detections"][0]
    assert hit["score"] == max(body["scores"]) and 0.5 <= hit["score"] < 1
    assert hit["reason"] == "zscore" and hit["low"] < hit["expected"] < hit["high"] < hit["value"]


def test_detect_accepts_epoch_seconds_without_header_in_any_order(tmp_path: Path) -> None:
    rows = [(1_700_000_000 + 60 * i, 10.0 + (i % 3) * 0.1) for i in range(300)]
    rows[250] = (rows[250][0], 40.0)
    path = tmp_path / "epoch.csv"
    path.write_text("\n".join(f"{t},{v}" for t, v in reversed(rows)) + "\n")
    result = runner.invoke(app, ["anomaly", "detect", str(path), "--detector", "robust_z"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert len(body["scores"]) == 300
    assert [d["timestamp"] for d in body["detections"]] == ["2023-11-15T02:23:20Z"]  # 1,700,015,000 s


def test_table_output_lists_the_detection(spiky_csv: Path) -> None:
    result = runner.invoke(app, ["anomaly", "detect", str(spiky_csv), "-o", "table"])
    assert result.exit_code == 0, result.output
    assert "05:20" in result.stdout and "1 detections in 400 points" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("timestamp,value\n2026-01-01T00:00:00Z,1\n2026-01-01T00:01:00Z,abc\n", ":3: value 'abc'"),
        ("timestamp,value\n2026-01-01T00:00:00Z,1\nyesterday,2\n", ":3: 'yesterday' is not"),
        ("1700000000,1\n1700000060\n", ":2: expected 'timestamp,value'"),
        ("1700000000,1\n1700000060,nan\n", ":2: value 'nan' is not a finite number"),
        ("timestamp,value\n", "no 'timestamp,value' rows"),
    ],
)
def test_malformed_csv_exits_2_naming_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = runner.invoke(app, ["anomaly", "detect", str(path)])
    assert result.exit_code == 2
    assert message in result.output.replace("\n", "")


def test_unknown_detector_missing_file_and_bad_sensitivity_exit_2(spiky_csv: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["anomaly", "detect", str(spiky_csv), "--detector", "lstm"])
    assert unknown.exit_code == 2 and "unknown detector 'lstm'" in unknown.output
    missing = runner.invoke(app, ["anomaly", "detect", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "cannot read" in missing.output
    bad = runner.invoke(app, ["anomaly", "detect", str(spiky_csv), "--sensitivity", "0"])
    assert bad.exit_code == 2 and "sensitivity" in bad.output


def test_detectors_lists_every_detector_with_a_description() -> None:
    result = runner.invoke(app, ["anomaly", "detectors"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    from kubemedic.metrics.detectors.registry import optional

    extra = [name for name, _ in optional()]  # isolation_forest where scikit-learn is installed
    assert names == ["default", "robust_z", "seasonal", "cusum", "variance", "trend", *extra]
    assert all(len(line.split()) > 3 for line in result.stdout.splitlines())


def test_short_file_says_it_is_all_warm_up_and_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("\ufeff1700000000,1\n1700000060,2\n1700000120,3\n", encoding="utf-8")
    result = runner.invoke(app, ["anomaly", "detect", str(path)])
    assert result.exit_code == 0, result.output
    assert "warm-up" in result.stderr
    assert json.loads(result.stdout)["scores"] == [0.0, 0.0, 0.0]
