"""The real kubectl against the simulated cluster."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from kubemedic.sim.testing import Kubectl, eventually

pytestmark = pytest.mark.integration


def _crashlooping(kubectl: Kubectl) -> bool:
    return "CrashLoopBackOff" in kubectl.out("get", "pods", "-n", "payments")


def test_get_pods_all_namespaces_shows_table_columns_and_crashloop(kubectl: Kubectl) -> None:
    eventually(lambda: _crashlooping(kubectl))
    out = kubectl.out("get", "pods", "-A")
    header = out.splitlines()[0].split()
    assert header == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = [line.split() for line in out.splitlines()[1:]]
    crash = [r for r in rows if r[0] == "payments" and r[3] == "CrashLoopBackOff"]
    assert crash, out
    assert any(r[0] == "kube-system" and r[1].startswith("coredns-") and r[3] == "Running" for r in rows)


def test_get_raw_version(kubectl: Kubectl) -> None:
    info = json.loads(kubectl.out("get", "--raw", "/version"))
    assert info["gitVersion"].startswith("v1.32")


def test_describe_pod_shows_events(kubectl: Kubectl) -> None:
    eventually(lambda: _crashlooping(kubectl))
    name = kubectl.out("get", "pods", "-n", "payments", "-o", "jsonpath={.items[0].metadata.name}")
    out = kubectl.out("describe", "pod", "-n", "payments", name)
    assert "Events:" in out
    assert "Back-off restarting failed container payments-api" in out
    assert "default-scheduler" in out


def test_logs_current_and_previous(kubectl: Kubectl) -> None:
    eventually(lambda: _crashlooping(kubectl))
    name = kubectl.out("get", "pods", "-n", "payments", "-o", "jsonpath={.items[0].metadata.name}")
    eventually(lambda: kubectl.run("logs", "-n", "payments", name, "--previous", check=False).returncode == 0)
    previous = kubectl.out("logs", "-n", "payments", name, "--previous")
    assert "missing protocol scheme" in previous
    eventually(lambda: "starting" in kubectl.run("logs", "-n", "payments", name, check=False).stdout)


def test_get_events_all_namespaces(kubectl: Kubectl) -> None:
    out = kubectl.out("get", "events", "-A")
    assert out.splitlines()[0].split()[:4] == ["NAMESPACE", "LAST", "SEEN", "TYPE"]
    assert "Scheduled" in out and "pod/" in out


def test_get_watch_sees_a_change(kubectl: Kubectl) -> None:
    proc = subprocess.Popen(
        kubectl.argv("get", "pods", "-n", "default", "-w"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)
        kubectl.run("run", "watched", "--image=busybox:1.36", "-n", "default")
        time.sleep(3)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert out.splitlines()[0].split()[:3] == ["NAME", "READY", "STATUS"]
    watched = [line for line in out.splitlines() if line.startswith("watched")]
    assert len(watched) >= 2, out
    assert any("Running" in line for line in watched), out


def _pods(kubectl: Kubectl, selector: str) -> list[str]:
    out = kubectl.out("get", "pods", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}")
    return out.split()


def test_scale_changes_pod_count(kubectl: Kubectl) -> None:
    assert "scaled" in kubectl.out("scale", "deploy", "web", "--replicas=3")
    eventually(lambda: len(_pods(kubectl, "app=web")) == 3)
    kubectl.out("scale", "deploy", "web", "--replicas=1")
    eventually(lambda: len(_pods(kubectl, "app=web")) == 1)


def test_deleted_pod_is_replaced_by_its_replicaset(kubectl: Kubectl) -> None:
    eventually(lambda: len(_pods(kubectl, "app=web")) == 1)
    (before,) = _pods(kubectl, "app=web")
    assert "deleted" in kubectl.out("delete", "pod", before, timeout=30)
    eventually(lambda: (p := _pods(kubectl, "app=web")) != [] and before not in p)


MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
  namespace: default
data:
  greeting: {value}
"""


def test_apply_creates_then_configures(kubectl: Kubectl, tmp_path: Path) -> None:
    path = tmp_path / "cm.yaml"
    path.write_text(MANIFEST.format(value="hello"))
    assert "configmap/applied created" in kubectl.out("apply", "-f", str(path))
    path.write_text(MANIFEST.format(value="bonjour"))
    assert "configmap/applied configured" in kubectl.out("apply", "-f", str(path))
    assert kubectl.out("get", "cm", "applied", "-o", "jsonpath={.data.greeting}") == "bonjour"


def test_apply_server_dry_run_changes_nothing(kubectl: Kubectl, tmp_path: Path) -> None:
    path = tmp_path / "dry.yaml"
    path.write_text(MANIFEST.format(value="x").replace("applied", "dry-only"))
    assert "(server dry run)" in kubectl.out("apply", "--dry-run=server", "-f", str(path))
    missing = kubectl.run("get", "cm", "dry-only", check=False)
    assert missing.returncode != 0 and "NotFound" in missing.stderr


def test_top_pods(kubectl: Kubectl) -> None:
    out = kubectl.out("top", "pods", "-n", "kube-system")
    assert out.splitlines()[0].split() == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert "coredns-" in out


def test_explain_pods(kubectl: Kubectl) -> None:
    out = kubectl.out("explain", "pods")
    assert "KIND:       Pod" in out and "FIELDS:" in out
