"""The bundled example (`make demo`) loads cleanly and holds the broken shop the README describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kubemedic.state import LabelSelector
from kubemedic.state.snapshot import LoadedSnapshot, load_snapshot

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "broken-shop"


@pytest.fixture(scope="module")
def loaded() -> LoadedSnapshot:
    return load_snapshot(EXAMPLE)


def test_loads_without_problems(loaded: LoadedSnapshot) -> None:
    assert loaded.problems == ()
    assert loaded.captured_at_source == "capturedAt"
    assert loaded.state.now.isoformat() == "2026-11-24T12:00:00+00:00"
    assert loaded.stats.unknown_kinds == {}
    assert loaded.stats.logs == 7


def test_files_exercise_every_layout() -> None:
    docs = list(yaml.safe_load_all((EXAMPLE / "kube-system.yaml").read_text()))
    assert len(docs) > 10 and all(d["kind"] != "List" for d in docs)  # multi-document YAML
    assert yaml.safe_load((EXAMPLE / "shop.yaml").read_text())["kind"] == "List"
    assert yaml.safe_load((EXAMPLE / "nodes.yaml").read_text())["kind"] == "List"
    assert (EXAMPLE / "events.json").read_text().lstrip().startswith("{")


def test_cluster_shape(loaded: LoadedSnapshot) -> None:
    state = loaded.state
    nodes = {n.name: n for n in state.objects("Node")}
    assert set(nodes) == {"cp-1", "worker-1", "worker-2"}
    assert nodes["cp-1"].spec["taints"][0]["key"] == "node-role.kubernetes.io/control-plane"
    system = {
        (o.kind, o.name)
        for o in state.objects("Deployment") + state.objects("DaemonSet")
        if o.namespace == "kube-system"
    }  # type: ignore[operator]
    assert system == {
        ("Deployment", "coredns"),
        ("Deployment", "metrics-server"),
        ("DaemonSet", "kube-proxy"),
        ("DaemonSet", "cilium"),
    }
    assert len(state.pods_of(state.get("Deployment", "kube-system", "coredns"))) == 2  # type: ignore[arg-type]
    assert all(p.is_ready for p in state.pods("kube-system"))


def _pod(loaded: LoadedSnapshot, name: str):  # type: ignore[no-untyped-def]
    pod = next(
        (p for p in loaded.state.pods("shop") if p.name == name or p.name.startswith(name + "-")), None
    )
    assert pod is not None, name
    return pod


def test_the_root_cause_and_what_it_breaks(loaded: LoadedSnapshot) -> None:
    state = loaded.state
    pg = state.get("Pod", "shop", "postgres-0")
    assert pg is not None and state.owner(pg).name == "postgres"  # type: ignore[union-attr]
    pg_log = state.logs(pg, "postgres", previous=True) or ""
    assert 'data directory "/var/lib/postgresql/data/pgdata" has wrong ownership' in pg_log
    assert state.get("Service", "shop", "postgres").spec["clusterIP"] == "10.96.45.10"  # type: ignore[union-attr]
    api_pods = state.pods_of(state.get("Deployment", "shop", "api"))  # type: ignore[arg-type]
    assert len(api_pods) == 2
    for pod in api_pods:
        assert pod.container_statuses[0].state.reason == "CrashLoopBackOff"
        log = state.logs(pod, "api", previous=True) or ""
        assert log.rstrip().endswith("dial tcp 10.96.45.10:5432: connect: connection refused")
        assert "could not connect to database postgres:5432" in log
    job = state.get("Job", "shop", "db-migrate")
    assert job is not None and job.condition("Failed").reason == "BackoffLimitExceeded"  # type: ignore[union-attr]
    assert state.latest_event(job, reasons=["BackoffLimitExceeded"]) is not None


def test_the_other_failures(loaded: LoadedSnapshot) -> None:
    state = loaded.state
    worker = _pod(loaded, "worker")
    assert worker.container_statuses[0].state.reason == "ImagePullBackOff"
    failed = state.latest_event(worker, reasons=["Failed"], field_path="spec.containers{worker}")
    assert failed is not None
    assert any("code = NotFound" in e.message for e in state.events_for(worker))
    checkout = _pod(loaded, "checkout")
    assert checkout.container_statuses[0].state.message == 'configmap "checkout-config" not found'
    assert state.get("ConfigMap", "shop", "checkout-config") is None
    report = state.get("Pod", "shop", "report-generator")
    assert report is not None and report.status["phase"] == "Pending"
    sched = state.latest_event(report, reasons=["FailedScheduling"])
    assert sched is not None and sched.source_component == "default-scheduler"
    assert "Insufficient memory" in sched.message
    cache = _pod(loaded, "cache")
    last = cache.container_statuses[0].last_state
    assert (last.reason, last.exit_code, cache.container_statuses[0].restart_count) == ("OOMKilled", 137, 5)
    payments = state.get("Service", "shop", "payments")
    assert (
        payments is not None
        and state.select_pods("shop", LabelSelector.from_map(payments.spec["selector"])) == []
    )
    assert state.get("Endpoints", "shop", "payments") is not None
    web = state.pods_of(state.get("Deployment", "shop", "web"))  # type: ignore[arg-type]
    assert len(web) == 2 and all(p.is_ready for p in web)
    assert web[0].spec["containers"][0]["envFrom"] == [{"configMapRef": {"name": "web-env"}}]
    assert state.get("Ingress", "shop", "shop") is not None
    flags = state.get("ConfigMap", "shop", "old-feature-flags")
    assert flags is not None and (state.age_seconds(flags.created) or 0) > 3600


def test_events_are_consistent_with_the_capture_time(loaded: LoadedSnapshot) -> None:
    state = loaded.state
    for event in state.events():
        seen = event.last_seen
        assert seen is not None and seen <= state.now
        assert (state.now - seen).total_seconds() < 3600, event  # events live an hour
        assert state.by_uid(event.involved.uid) is not None, event
