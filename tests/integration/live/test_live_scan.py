"""Live scans through lightkube against the simulated cluster: every planted fault is found with the
right category (and the dependency chain's root cause), the healthy background alone is quiet, and a
snapshot captured from the sim scans the same as the sim itself."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubemedic.sim.config import SimConfig
from kubemedic.sim.scenarios import SCENARIOS, Scenario
from kubemedic.sim.testing import SimHandle, running_sim

pytestmark = pytest.mark.integration
SETTLE_TIMEOUT_S = 90  # the slowest scenario (rollout-stuck) needs its 30 s progress deadline to pass


def scan(sim: SimHandle, *extra: str) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubemedic",
            "scan",
            "--kubeconfig",
            str(sim.kubeconfig),
            "-o",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def found(doc: dict[str, Any], scenario: Scenario) -> bool:
    for f in doc["findings"]:
        if f["category"] != scenario.category or f["namespace"] != scenario.namespace:
            continue
        if scenario.category == "connectivity":  # the chain: blamed on the scenario's object
            incident = next(i for i in doc["incidents"] if i["id"] == f["incident_id"])
            return bool(incident["root_object"]["name"] == scenario.object)
        if not scenario.namespace and f["name"] != scenario.object:
            continue
        return True
    return False


@pytest.fixture(scope="module")
def all_faults() -> Iterator[tuple[SimHandle, dict[str, Any]]]:
    with running_sim(SimConfig(scenarios=tuple(s.name for s in SCENARIOS), fault_delay=0.2)) as sim:
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        doc = scan(sim)
        while time.monotonic() < deadline and not all(found(doc, s) for s in SCENARIOS):
            time.sleep(3)
            doc = scan(sim)
        yield sim, doc


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_live_scan_finds_the_planted_fault(
    all_faults: tuple[SimHandle, dict[str, Any]], scenario: Scenario
) -> None:
    _, doc = all_faults
    in_ns = sorted(
        {(f["category"], f["name"]) for f in doc["findings"] if f["namespace"] == scenario.namespace}
    )
    assert found(doc, scenario), (
        f"{scenario.name}: expected {scenario.category} in {scenario.namespace!r}, got {in_ns}"
    )


def test_live_findings_carry_the_cluster_name_and_evidence(
    all_faults: tuple[SimHandle, dict[str, Any]],
) -> None:
    _, doc = all_faults
    assert doc["summary"]["cluster"] == "kubemedic-sim"
    assert all(f["cluster"] == "kubemedic-sim" for f in doc["findings"])
    with_evidence = [f for f in doc["findings"] if f["evidence"]]
    assert len(with_evidence) >= 0.9 * len(doc["findings"])
    logs = [e for f in doc["findings"] for e in f["evidence"] if e["source"] == "log"]
    assert logs, "log evidence comes from kubectl-style log reads of the sim"


def test_healthy_background_has_no_warning_or_worse() -> None:
    with running_sim(SimConfig(scenarios=(), fault_delay=0.2)) as sim:
        time.sleep(4)
        doc = scan(sim, "--min-severity", "warning")
    assert doc["findings"] == [], [(f["category"], f["name"], f["title"]) for f in doc["findings"]]


def test_snapshot_of_the_sim_scans_like_the_sim(tmp_path: Path) -> None:
    stable = ("missing-configmap", "image-not-found", "service-no-endpoints", "pending-node-selector")
    with running_sim(SimConfig(scenarios=stable, fault_delay=0.2)) as sim:
        time.sleep(5)
        live = scan(sim)
        out = tmp_path / "capture"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "kubemedic",
                "snapshot",
                "--kubeconfig",
                str(sim.kubeconfig),
                "-o",
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
    assert "captured" in proc.stderr and (out / "snapshot.yaml").exists() and (out / "pods.json").exists()
    secrets = (
        json.loads((out / "secrets.json").read_text())["items"] if (out / "secrets.json").exists() else []
    )
    assert all(not v for s in secrets for v in (s.get("data") or {}).values()), (
        "secret values must be stripped"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "kubemedic", "scan", "--snapshot", str(out), "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    offline = json.loads(proc.stdout)

    def key(doc: dict[str, Any]) -> set[tuple[str, str, str, str]]:
        return {(f["category"], f["namespace"], f["name"], f["title"]) for f in doc["findings"]}

    assert key(offline) == key(live)


def test_unreachable_cluster_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kc"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: {server: 'http://127.0.0.1:9'}\n"
        "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: gone\n  context: "
        "{cluster: gone, user: u}\n"
        "current-context: gone\n"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubemedic",
            "scan",
            "--kubeconfig",
            str(kubeconfig),
            "-o",
            "json",
            "--fail-on",
            "error",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert [f["category"] for f in doc["findings"]] == ["cluster-access"]
    assert doc["findings"][0]["severity"] == "critical" and "unreachable" in doc["findings"][0]["title"]
