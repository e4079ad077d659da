"""`kubemedic scan`: formats, filters, exit codes and bad input, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import yaml
from typer.testing import CliRunner

from kubemedic.cli import app
from tests.factory import cstatus, deployment_with_pods, event, node, pod, waiting

runner = CliRunner()

FINDING_KEYS = {
    "id", "cluster", "kind", "namespace", "name", "uid", "severity", "category", "title", "message",
    "root_cause", "evidence", "remediation", "related", "depends_on", "analyzer", "incident_id",
}  # fmt: skip


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    bad = pod("worker-1", "jobs", statuses=[cstatus("app", ready=False, state=waiting("ImagePullBackOff"))])
    items = [
        *deployment_with_pods("web", "shop"),
        node("node-1"),
        node("node-2", ready=False),
        bad,
        event(bad, "Failed", 'Failed to pull image "x:1": not found', field_path="spec.containers{app}"),
    ]
    (tmp_path / "all.json").write_bytes(orjson.dumps({"kind": "List", "apiVersion": "v1", "items": items}))
    return tmp_path


def test_json_output_has_the_documented_shape(snapshot: Path) -> None:
    result = runner.invoke(app, ["scan", "--snapshot", str(snapshot), "-o", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= {"findings", "incidents", "summary"}
    assert doc["summary"]["pods"] == 3 and doc["summary"]["nodes"] == 2
    for finding in doc["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in {"info", "warning", "error", "critical"}
        assert finding["incident_id"] in {i["id"] for i in doc["incidents"]}


def test_yaml_and_markdown_outputs(snapshot: Path) -> None:
    as_yaml = runner.invoke(app, ["scan", "--snapshot", str(snapshot), "-o", "yaml"])
    assert as_yaml.exit_code == 0 and "summary" in yaml.safe_load(as_yaml.stdout)
    as_md = runner.invoke(app, ["scan", "--snapshot", str(snapshot), "-o", "markdown"])
    assert as_md.exit_code == 0 and as_md.stdout.startswith("# kubemedic scan")


def test_namespace_filter_and_min_severity(snapshot: Path) -> None:
    result = runner.invoke(app, ["scan", "--snapshot", str(snapshot), "-n", "shop", "-o", "json"])
    doc = json.loads(result.stdout)
    assert all(f["namespace"] == "shop" or f["id"] in {i["root_cause_finding_id"] for i in doc["incidents"]}
               for f in doc["findings"])  # fmt: skip
    result = runner.invoke(
        app, ["scan", "--snapshot", str(snapshot), "--min-severity", "critical", "-o", "json"]
    )
    doc = json.loads(result.stdout)
    members = {i["root_cause_finding_id"] for i in doc["incidents"]}
    assert all(f["severity"] == "critical" or f["id"] in members for f in doc["findings"])


def test_bad_severity_names_the_valid_ones(snapshot: Path) -> None:
    result = runner.invoke(app, ["scan", "--snapshot", str(snapshot), "--fail-on", "urgent"])
    assert result.exit_code == 2
    assert "urgent" in result.output and "critical" in result.output


def test_unusable_input_exits_2_with_reason(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("kind: [\n")
    result = runner.invoke(app, ["scan", "--snapshot", str(tmp_path)])
    assert result.exit_code == 2
    assert "x.yaml:" in result.output and "no Kubernetes objects" in result.output
    assert runner.invoke(app, ["scan"]).exit_code == 2


def test_fail_on_sets_exit_code_1_only_when_met(snapshot: Path) -> None:
    base = ["scan", "--snapshot", str(snapshot), "-o", "json"]
    doc = json.loads(runner.invoke(app, base).stdout)
    assert doc["findings"], "the snapshot has an ImagePullBackOff pod and a NotReady node"
    assert runner.invoke(app, [*base, "--fail-on", "info"]).exit_code == 1
    worst = doc["summary"]["highest_severity"]
    if worst != "critical":
        assert runner.invoke(app, [*base, "--fail-on", "critical"]).exit_code == 0


def test_console_script_runs_as_a_process(snapshot: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kubemedic", "scan", "--snapshot", str(snapshot), "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["pods"] == 3


def test_snapshot_and_live_sources_are_exclusive(snapshot: Path) -> None:
    result = runner.invoke(app, ["scan", "--snapshot", str(snapshot), "--context", "prod"])
    assert result.exit_code == 2 and "exclusive" in result.output


def test_capture_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("{}")
    kubeconfig = tmp_path / "kc"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:9'}\n"
        "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\n"
        "current-context: c\n"
    )
    result = runner.invoke(app, ["snapshot", "-o", str(tmp_path), "--kubeconfig", str(kubeconfig)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert (tmp_path / "old.json").read_text() == "{}", "nothing is lost"


def test_unknown_context_lists_the_known_ones(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kc"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:9'}\n"
        "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: staging\n  context: "
        "{cluster: c, user: u}\n"
        "current-context: staging\n"
    )
    result = runner.invoke(app, ["scan", "--kubeconfig", str(kubeconfig), "--context", "prod"])
    assert result.exit_code == 2 and "'prod'" in result.output and "staging" in result.output
