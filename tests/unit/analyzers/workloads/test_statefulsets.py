from __future__ import annotations

from kubemedic.analyzers.workloads import statefulsets
from kubemedic.domain import Finding, Severity
from tests.factory import (
    Obj,
    cstatus,
    pod,
    pvc,
    service,
    state,
    statefulset,
    storage_class,
    terminated,
    waiting,
)

CRASH = [
    cstatus(ready=False, restarts=4, state=waiting("CrashLoopBackOff"), last_state=terminated("Error", 1))
]


def sts_pods(sts: Obj, *statuses: list[Obj] | None) -> list[Obj]:
    name = sts["metadata"]["name"]
    return [
        pod(f"{name}-{i}", owner=sts, labels={"app": name}, statuses=st, ready=None)
        for i, st in enumerate(statuses)
    ]


def run(*objs: Obj | list[Obj]) -> list[Finding]:
    return list(statefulsets.analyze(state(*objs)))


def test_ordered_rollout_blocked_by_crashing_pod_names_it_and_the_missing_ordinals() -> None:
    sts = statefulset("db", replicas=4, ready=1)
    findings = run(sts, sts_pods(sts, None, CRASH), service("db"))
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity) == ("workload", Severity.ERROR)
    assert f.title == "db: ordered rollout blocked at db-1"
    assert "db-1 is CrashLoopBackOff (exit code 1)" in f.root_cause
    assert "db-2..db-3 will not be created" in f.root_cause
    assert f.related[0].name == "db-1"
    assert any("CrashLoopBackOff (exit code 1)" in e.text for e in f.evidence)


def test_parallel_statefulset_with_all_pods_failing_is_critical() -> None:
    sts = statefulset("db", replicas=2, ready=0)
    sts["spec"]["podManagementPolicy"] = "Parallel"
    f = run(sts, sts_pods(sts, CRASH, CRASH), service("db"))[0]
    assert f.severity == Severity.CRITICAL
    assert f.title == "db: unavailable - pods CrashLoopBackOff"
    assert "2/2 pods CrashLoopBackOff" in f.root_cause


def test_missing_governing_service_is_a_warning() -> None:
    sts = statefulset("db", replicas=1, service_name="db-headless")
    f = run(sts, sts_pods(sts, None), service("other"))[0]
    assert (f.severity, f.title) == (Severity.WARNING, "db: governing Service db-headless missing")
    assert f.evidence[0].text == "spec.serviceName: db-headless"
    assert "db-0.db-headless" in f.root_cause


def _claim_template(sc: str) -> list[Obj]:
    return [
        {
            "metadata": {"name": "data"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": sc,
                "resources": {"requests": {"storage": "10Gi"}},
            },
        }
    ]


def test_unknown_storage_class_in_claim_template_is_an_error() -> None:
    sts = statefulset("db", replicas=2, ready=2, volume_claim_templates=_claim_template("fast-ssd"))
    claims = [pvc("data-db-0", phase="Pending", storage_class="fast-ssd")]
    f = run(sts, sts_pods(sts, None, None), service("db"), storage_class("standard"), claims)[0]
    assert (f.category, f.severity, f.title) == (
        "storage",
        Severity.ERROR,
        "db: StorageClass fast-ssd not found",
    )
    assert f.evidence[0].text == "spec.volumeClaimTemplates[data].spec.storageClassName: fast-ssd"
    assert [(r.kind, r.name) for r in f.related] == [
        ("StorageClass", "fast-ssd"),
        ("PersistentVolumeClaim", "data-db-0"),
        ("PersistentVolumeClaim", "data-db-1"),
    ]
    assert f.depends_on == ()


def test_healthy_lookalikes_are_quiet() -> None:
    healthy = statefulset("db", replicas=2, volume_claim_templates=_claim_template("standard"))
    bound_on_deleted_class = statefulset("old", replicas=1, volume_claim_templates=_claim_template("retired"))
    scaled_down = statefulset("idle", replicas=0, ready=0)
    starting = statefulset("new", replicas=2, ready=1)
    starting_pods = [
        pod("new-0", owner=starting, labels={"app": "new"}),
        pod(
            "new-1",
            owner=starting,
            age=15,
            statuses=[cstatus(ready=False, state=waiting("ContainerCreating"))],
        ),
    ]
    objs = [
        healthy,
        sts_pods(healthy, None, None),
        bound_on_deleted_class,
        sts_pods(bound_on_deleted_class, None),
        pvc("data-old-0", storage_class="retired"),
        scaled_down,
        starting,
        starting_pods,
        service("db"),
        service("old"),
        service("new"),
        service("idle"),
        storage_class("standard"),
    ]
    assert run(*objs) == []


def test_no_service_objects_in_snapshot_does_not_claim_the_service_is_missing() -> None:
    sts = statefulset("db", replicas=1)
    assert run(sts, sts_pods(sts, None)) == []
