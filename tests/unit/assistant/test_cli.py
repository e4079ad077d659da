"""`kubemedic explain` and `kubemedic ask` on the broken-shop example snapshot, through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubemedic.cli.main import app

SNAP = str(Path(__file__).resolve().parents[3] / "examples" / "broken-shop")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KUBEMEDIC_LLM_PROVIDER", "offline")
    monkeypatch.setenv("KUBEMEDIC_DATA_DIR", str(tmp_path))


def test_ask_whats_wrong_names_the_database_first_with_its_log_line() -> None:
    result = runner.invoke(app, ["ask", "what is wrong in namespace shop", "--snapshot", SNAP])
    assert result.exit_code == 0, result.output
    first = next(line for line in result.stdout.splitlines() if line.startswith("1. "))
    assert "StatefulSet shop/postgres" in first
    assert "has wrong ownership" in result.stdout


def test_ask_json_carries_structured_citations() -> None:
    result = runner.invoke(app, ["ask", "why is deployment api not ready", "-s", SNAP, "-o", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["intent"] == "why-not-ready" and doc["used_llm"] is False
    kinds = {c["kind"] for c in doc["citations"]}
    assert {"finding", "object", "log"} <= kinds
    log = next(c for c in doc["citations"] if c["kind"] == "log")
    assert log["ref"].startswith("logs/shop/") and log["quote"] and log["finding_id"]


def test_explain_a_finding_by_id_fills_kubectl_commands_for_the_object() -> None:
    scan = runner.invoke(app, ["scan", "--snapshot", SNAP, "-o", "json"])
    finding = next(f for f in json.loads(scan.stdout)["findings"] if f["category"] == "config-reference")
    result = runner.invoke(app, ["explain", finding["id"], "--snapshot", SNAP])
    assert result.exit_code == 0, result.output
    assert "kubectl describe deployment checkout -n shop" in result.stdout
    assert "Runbook:" in result.stdout and "Fix:" in result.stdout and "Prevent:" in result.stdout
    assert " POD " not in result.stdout and " NS " not in result.stdout  # placeholders filled


def test_explain_an_object_by_kind_namespace_name() -> None:
    result = runner.invoke(app, ["explain", "deploy/shop/cache", "-s", SNAP, "-o", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert "OOMKilled" in doc["answer"] and doc["intent"] == "explain"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "0000000000000000"], "no finding with id '0000000000000000'"),
        (["explain", "deploy/shop/chekout"], "close names: checkout"),
        (["explain", "gadget/shop/x"], "unknown kind 'gadget'"),
        (["ask", "   "], "the question is empty"),
        (["ask", "what is wrong", "-n", "nope"], "no namespace 'nope'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--snapshot", SNAP])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_snapshot_and_context_are_exclusive() -> None:
    result = runner.invoke(app, ["ask", "what is wrong", "--snapshot", SNAP, "--context", "prod"])
    assert result.exit_code == 2 and "exclusive" in result.output


def test_a_missing_snapshot_directory_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ask", "what is wrong", "--snapshot", str(tmp_path / "nope")])
    assert result.exit_code == 2
