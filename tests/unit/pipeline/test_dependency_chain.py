"""End to end through the real analyzers and the correlator: one incident per root cause."""

from __future__ import annotations

from pathlib import Path

from kubemedic.domain import ObjectRef
from kubemedic.service.scan import scan_snapshot, scan_state
from tests.factory import (
    cstatus,
    deployment_with_pods,
    event,
    pod,
    service,
    state,
    statefulset,
    terminated,
    waiting,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "broken-shop"


def _crash(restarts: int = 6) -> dict[str, object]:
    return cstatus(
        ready=False, restarts=restarts, state=waiting("CrashLoopBackOff"), last_state=terminated("Error", 1)
    )


def test_api_crashing_on_its_database_is_one_incident_rooted_at_the_database_pod_problem() -> None:
    api = deployment_with_pods(
        "api", "shop", replicas=2, ready=0, pod_kw={"statuses": [_crash()], "ready": False}
    )
    db = statefulset("postgres", "shop", ready=0)
    db_pod = pod(
        "postgres-0", "shop", owner=db, labels={"app": "postgres"}, statuses=[_crash(3)], ready=False
    )
    svc = service("postgres", "shop", selector={"app": "postgres"}, ports=[(5432, 5432)])
    logs = {
        (
            "shop",
            api[2]["metadata"]["name"],
            "app",
            True,
        ): "boot\nFATAL dial tcp postgres:5432: connect: connection refused",
        (
            "shop",
            api[3]["metadata"]["name"],
            "app",
            True,
        ): "boot\nFATAL dial tcp postgres:5432: connect: connection refused",
        (
            "shop",
            "postgres-0",
            "app",
            True,
        ): 'FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership',
    }
    s = state(
        api, db, db_pod, svc, event(db_pod, "BackOff", "Back-off restarting failed container"), logs=logs
    )
    report = scan_state(s)
    assert len(report.incidents) == 1, [i.title for i in report.incidents]
    incident = report.incidents[0]
    root = report.finding(incident.root_cause_finding_id)
    assert root is not None
    assert incident.root_object == ObjectRef("StatefulSet", "shop", "postgres", db["metadata"]["uid"])
    assert root.category == "permission" and "wrong ownership" in root.evidence[0].text
    api_findings = [f for f in report.findings if f.object.name == "api"]
    assert api_findings and all(f.incident_id == incident.id for f in api_findings)


def test_deployment_unavailable_because_its_pods_crash_is_one_incident() -> None:
    api = deployment_with_pods(
        "api", "shop", replicas=2, ready=0, pod_kw={"statuses": [_crash()], "ready": False}
    )
    report = scan_state(state(api))
    assert len(report.incidents) == 1
    assert {f.category for f in report.findings} == {"crash-loop", "workload"}
    assert report.finding(report.incidents[0].root_cause_finding_id).category == "crash-loop"  # type: ignore[union-attr]


def test_bundled_example_finds_every_planted_fault_and_roots_api_at_postgres() -> None:
    report = scan_snapshot(EXAMPLE)
    assert report.problems == ()
    got = {(f.category, f.object.name) for f in report.findings}
    for expected in [
        ("permission", "postgres"),
        ("connectivity", "api"),
        ("image-pull", "worker"),
        ("oom", "cache"),
        ("container-config", "checkout"),
        ("config-reference", "checkout"),
        ("scheduling", "report-generator"),
        ("service", "payments"),
        ("job", "db-migrate"),
        ("unused", "old-feature-flags"),
    ]:
        assert expected in got, expected
    assert ("unused", "web-env") not in got and ("unused", "api-db-credentials") not in got
    by_root = {i.root_object.name: i for i in report.incidents}
    api_incident = next(i for i in report.incidents if any(o.name == "api" for o in i.objects))
    assert api_incident.root_object.name == "postgres"
    assert "checkout" in by_root and by_root["checkout"].root_cause.startswith(
        "ConfigMap shop/checkout-config"
    )
