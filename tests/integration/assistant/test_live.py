"""`kubemedic ask` and `kubemedic explain` on a live (simulated) cluster through its kubeconfig."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubemedic.cli.main import app
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import eventually, running_sim

pytestmark = pytest.mark.integration


def test_ask_and_explain_a_live_cluster(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KUBEMEDIC_LLM_PROVIDER", "offline")
    monkeypatch.setenv("KUBEMEDIC_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    with running_sim(SimConfig(scenarios=("missing-configmap",), fault_delay=0.2)) as sim:
        kc = ["--kubeconfig", str(sim.kubeconfig)]
        answers: list[dict[str, object]] = []

        def diagnosed() -> bool:
            result = runner.invoke(app, ["ask", "what is wrong in namespace comms", *kc, "-o", "json"])
            assert result.exit_code == 0, result.output
            answers.append(json.loads(result.stdout))
            return "notifier" in str(answers[-1]["answer"])

        eventually(diagnosed, timeout=20, interval=1.0)
        doc = answers[-1]
        assert "1. [error] Deployment comms/notifier" in str(doc["answer"])
        explained = runner.invoke(app, ["explain", "deployment/comms/notifier", *kc])
    assert explained.exit_code == 0, explained.output
    assert (
        "notifier-config" in explained.stdout
        and "kubectl describe deployment notifier -n comms" in explained.stdout
    )
