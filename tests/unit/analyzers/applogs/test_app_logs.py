"""The log analyzers on failing pods: dependencies resolved to Services, RBAC refusals, quiet when healthy."""

from __future__ import annotations

from kubemedic.analyzers.applogs import app_logs, rbac_hints
from kubemedic.domain import ObjectRef
from tests.factory import (
    cstatus,
    deployment_with_pods,
    pod,
    role_binding,
    service,
    state,
    statefulset,
    terminated,
    waiting,
)

CRASH = cstatus(
    ready=False, restarts=4, state=waiting("CrashLoopBackOff"), last_state=terminated("Error", 1, ago=30)
)


def _api(log: str) -> tuple[list[dict[str, object]], dict[tuple[str, str, str, bool], str]]:
    objs = deployment_with_pods(
        "api", "shop", replicas=1, ready=0, pod_kw={"statuses": [CRASH], "ready": False}
    )
    return objs, {("shop", objs[2]["metadata"]["name"], "app", True): log}


def test_connection_refused_resolves_to_the_service_by_name_and_says_it_has_no_ready_pods() -> None:
    objs, logs = _api("connecting\nFATAL dial tcp postgres:5432: connect: connection refused\n")
    db = statefulset("postgres", "shop", ready=0)
    db_pod = pod("postgres-0", "shop", owner=db, labels={"app": "postgres"}, statuses=[CRASH], ready=False)
    svc = service("postgres", "shop", selector={"app": "postgres"}, ports=[(5432, 5432)])
    [finding] = list(app_logs.analyze(state(objs, db, db_pod, svc, logs=logs)))
    assert finding.category == "connectivity"
    assert finding.depends_on == (ObjectRef("Service", "shop", "postgres", svc["metadata"]["uid"]),)
    assert "has no ready pod" in finding.root_cause
    assert finding.evidence[0].location.endswith("app.previous.log:2")


def test_connection_refused_to_a_cluster_ip_resolves_the_service() -> None:
    objs, logs = _api("dial tcp 10.96.12.34:6379: connect: connection refused")
    svc = service("cache", "other", selector={"app": "cache"})
    [finding] = list(app_logs.analyze(state(objs, svc, logs=logs)))
    assert finding.depends_on and finding.depends_on[0].name == "cache"
    assert "selects no pod" in finding.root_cause


def test_healthy_pod_with_old_errors_in_its_log_is_quiet() -> None:
    objs = deployment_with_pods("web", "shop", replicas=1)
    logs = {
        (
            "shop",
            objs[2]["metadata"]["name"],
            "app",
            False,
        ): "dial tcp 10.0.0.1:5432: connection refused\nready"
    }
    assert list(app_logs.analyze(state(objs, logs=logs))) == []


def test_completed_job_pod_is_quiet() -> None:
    done = pod(
        "job-x", "shop", phase="Succeeded", statuses=[cstatus(ready=False, state=terminated("Completed", 0))]
    )
    logs = {("shop", "job-x", "app", False): "panic: but exited 0 anyway"}
    assert list(app_logs.analyze(state(done, logs=logs))) == []


def test_rbac_refusal_names_account_verb_resource_and_bindings() -> None:
    line = (
        'E1124 pods is forbidden: User "system:serviceaccount:shop:api" cannot list resource "pods" '
        'in API group "" in the namespace "shop"'
    )
    objs, logs = _api(line)
    binding = role_binding("api-read-cm", "shop", role="configmap-reader", service_account="api")
    s = state(objs, binding, logs=logs)
    [finding] = list(rbac_hints.analyze(s))
    assert finding.category == "rbac" and finding.title == "service account shop/api may not list pods"
    assert "RoleBinding api-read-cm -> configmap-reader" in finding.root_cause
    assert "kubectl create role api-list-pods -n shop --verb=list --resource=pods" in finding.remediation
    assert list(app_logs.analyze(s)) == []  # not reported twice


def test_unresolvable_ip_falls_back_to_the_name_the_app_logged() -> None:
    objs, logs = _api(
        "connecting to database postgres:5432\nERROR dial tcp 10.99.9.9:5432: connect: connection refused"
    )
    svc = service("postgres", "shop", selector={"app": "postgres"}, ports=[(5432, 5432)])
    [finding] = list(app_logs.analyze(state(objs, svc, logs=logs)))
    assert [r.name for r in finding.depends_on] == ["postgres"]
