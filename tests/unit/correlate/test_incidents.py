"""Grouping findings into incidents with the deepest failing dependency as root cause."""

from __future__ import annotations

from kubemedic.correlate import correlate
from kubemedic.domain import Finding, ObjectRef, Severity
from tests.factory import configmap, deployment_with_pods, node, pod, service, state, statefulset


def _finding(kind: str, ns: str, name: str, category: str, *, depends_on: tuple[ObjectRef, ...] = (),
             severity: Severity = Severity.ERROR) -> Finding:  # fmt: skip
    return Finding(
        object=ObjectRef(kind, ns, name),
        severity=severity,
        category=category,
        title=f"{name}: {category}",
        message="m",
        root_cause=f"{name} {category}",
        depends_on=depends_on,
    )


def _db_world() -> list[dict[str, object]]:
    db = statefulset("postgres", "shop")
    db_pod = pod("postgres-0", "shop", owner=db, labels={"app": "postgres"})
    return [
        *deployment_with_pods("api", "shop"),
        db,
        db_pod,
        service("postgres", "shop", selector={"app": "postgres"}, ports=[(5432, 5432)]),
    ]


def test_api_failing_on_database_is_one_incident_rooted_at_the_database() -> None:
    s = state(_db_world())
    api_pod = s.pods_of(s.get("Deployment", "shop", "api"))[0]  # type: ignore[arg-type]
    findings = [
        _finding(
            "Pod",
            "shop",
            api_pod.name,
            "connectivity",
            depends_on=(ObjectRef("Service", "shop", "postgres"),),
        ),
        _finding("Deployment", "shop", "api", "workload"),
        _finding("StatefulSet", "shop", "postgres", "crash-loop"),
    ]
    result = correlate(s, findings)
    assert len(result.incidents) == 1
    incident = result.incidents[0]
    assert incident.root_object == ObjectRef("StatefulSet", "shop", "postgres")
    assert incident.root_cause == "postgres crash-loop"
    assert {f.incident_id for f in result.findings} == {incident.id}


def test_pod_findings_fold_into_their_workload_and_pick_the_most_fundamental_cause() -> None:
    s = state(deployment_with_pods("checkout", "shop"))
    pod_name = s.pods("shop")[0].name
    findings = [
        _finding("Deployment", "shop", "checkout", "workload"),
        _finding("Pod", "shop", pod_name, "container-config"),
        _finding("Deployment", "shop", "checkout", "config-reference"),
    ]
    result = correlate(s, findings)
    assert len(result.incidents) == 1
    assert result.incidents[0].root_cause == "checkout config-reference"


def test_unrelated_failures_stay_separate_incidents() -> None:
    s = state(
        deployment_with_pods("a", "shop"), deployment_with_pods("b", "shop"), configmap("shared", "shop")
    )
    findings = [
        _finding("Deployment", "shop", "a", "crash-loop"),
        _finding("Deployment", "shop", "b", "image-pull"),
    ]
    result = correlate(s, findings)
    assert len(result.incidents) == 2


def test_node_not_ready_is_root_of_pods_on_it() -> None:
    s = state(node("node-9", ready=False), pod("lonely", "shop", node="node-9"))
    findings = [_finding("Pod", "shop", "lonely", "probe"), _finding("Node", "", "node-9", "node")]
    result = correlate(s, findings)
    assert len(result.incidents) == 1
    assert result.incidents[0].root_object.kind == "Node"


def test_mutual_dependencies_do_not_loop_and_choose_by_cause_rank() -> None:
    s = state(deployment_with_pods("a", "shop"), deployment_with_pods("b", "shop"))
    findings = [
        _finding(
            "Deployment", "shop", "a", "connectivity", depends_on=(ObjectRef("Deployment", "shop", "b"),)
        ),
        _finding("Deployment", "shop", "b", "oom", depends_on=(ObjectRef("Deployment", "shop", "a"),)),
    ]
    result = correlate(s, findings)
    assert len(result.incidents) == 1
    assert result.incidents[0].root_object.name == "b"


def test_incident_ids_are_stable_across_runs() -> None:
    s = state(_db_world())
    findings = [_finding("StatefulSet", "shop", "postgres", "crash-loop")]
    assert correlate(s, findings).incidents[0].id == correlate(s, list(findings)).incidents[0].id
