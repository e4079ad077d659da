from __future__ import annotations

from kubemedic.analyzers.workloads import deployments
from kubemedic.domain import Finding, Severity
from tests.factory import (
    condition,
    cstatus,
    deployment,
    deployment_with_pods,
    event,
    oom_crash_loop,
    pod,
    replicaset,
    state,
    waiting,
)

CRASHING = oom_crash_loop()


def run(*objs: object) -> list[Finding]:
    return list(deployments.analyze(state(*objs)))  # type: ignore[arg-type]


def test_all_pods_crashlooping_is_critical_and_names_the_pod_state() -> None:
    findings = run(deployment_with_pods("api", "shop", replicas=3, ready=0, pod_kw=CRASHING))

    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity) == ("workload", Severity.CRITICAL)
    assert f.title == "api: unavailable - pods CrashLoopBackOff"
    assert f.object.kind == "Deployment"
    assert "3/3 pods CrashLoopBackOff" in f.root_cause
    assert "exit code 137, OOMKilled" in f.message
    texts = [e.text for e in f.evidence]
    assert "status.readyReplicas: 0/3" in texts
    # three identical crash loops are one fact, quoted once
    assert sum("CrashLoopBackOff (exit code 137, OOMKilled)" in t for t in texts) == 1
    assert len(f.related) == 3 and all(r.kind == "Pod" for r in f.related)
    assert "kubectl rollout undo deployment/api -n shop" in f.remediation


def test_partially_ready_deployment_is_error_and_counts_pods() -> None:
    objs = deployment_with_pods("api", replicas=3, ready=1, pod_kw=CRASHING)
    # one of the three pods is healthy
    objs[2] = pod(objs[2]["metadata"]["name"], owner=objs[1], labels={"app": "api"})
    f = run(objs)[0]
    assert f.severity == Severity.ERROR
    assert "2/3 pods CrashLoopBackOff" in f.root_cause
    assert len(f.related) == 2


def test_unschedulable_pods_are_summarized_with_scheduler_message() -> None:
    msg = "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available."
    pending = {
        "phase": "Pending",
        "node": None,
        "statuses": [],
        "conditions": [condition("PodScheduled", False, "Unschedulable", msg)],
    }
    f = run(deployment_with_pods("api", replicas=2, ready=0, pod_kw=pending))[0]
    assert f.title == "api: unavailable - pods Unschedulable"
    assert "2/2 pods Unschedulable" in f.root_cause
    assert any(e.text == f"status.conditions[PodScheduled]: {msg}" for e in f.evidence)


def test_progress_deadline_exceeded_quotes_the_condition() -> None:
    cond_msg = 'ReplicaSet "api-7d9f8b6c5" has timed out progressing.'
    objs = deployment_with_pods(
        "api",
        replicas=2,
        ready=0,
        pod_kw=CRASHING,
        conditions=[
            condition("Available", False, "MinimumReplicasUnavailable"),
            condition("Progressing", False, "ProgressDeadlineExceeded", cond_msg),
        ],
    )
    findings = run(objs)
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity, f.title) == (
        "rollout",
        Severity.ERROR,
        "api: rollout exceeded its progress deadline",
    )
    assert f.evidence[0].text == f"status.conditions[Progressing]: False ProgressDeadlineExceeded: {cond_msg}"
    assert "600s" in f.root_cause and "2/2 pods CrashLoopBackOff" in f.root_cause
    assert f.related[0].name == "api-7d9f8b6c5"


def _rollout(new_pod_kw: dict[str, object], new_age: float = 3600) -> list[dict[str, object]]:
    dep = deployment("api", replicas=2, ready=2)
    # mid-rollout status as the deployment controller writes it: 2 old pods + 1 new surge pod
    dep["status"].update(
        replicas=3, updatedReplicas=1, readyReplicas=2, availableReplicas=2, unavailableReplicas=1
    )
    old = replicaset(dep, suffix="old111", replicas=2)
    old["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": "4"}
    new = replicaset(dep, suffix="new222", replicas=1, ready=0)
    new["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": "5"}
    new["metadata"]["creationTimestamp"] = old["metadata"]["creationTimestamp"]
    old_pods = [pod(f"api-old111-{i}", owner=old, labels={"app": "api"}) for i in range(2)]
    new_pod = pod("api-new222-a", owner=new, labels={"app": "api"}, age=new_age, **new_pod_kw)  # type: ignore[arg-type]
    return [dep, old, new, *old_pods, new_pod]


def test_stuck_rollout_blames_the_new_replicaset() -> None:
    bad_image = {
        "statuses": [cstatus(ready=False, state=waiting("ImagePullBackOff", 'Back-off pulling "app:1.5"'))]
    }
    findings = run(_rollout(bad_image))
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.title) == ("rollout", "api: rollout stuck - new pods ImagePullBackOff")
    assert "New ReplicaSet api-new222: 1/1 pod ImagePullBackOff" in f.message
    assert "api-old111 still has 2 ready pods" in f.message
    assert [r.name for r in f.related[:2]] == ["api-new222", "api-old111"]


def test_young_rollout_still_pulling_is_quiet() -> None:
    pulling = {"statuses": [cstatus(ready=False, state=waiting("ContainerCreating"))]}
    assert run(_rollout(pulling, new_age=20)) == []


def test_healthy_lookalikes_are_quiet() -> None:
    starting = {"statuses": [cstatus(ready=False, state=waiting("ContainerCreating"))], "age": 20}
    young = deployment_with_pods(
        "fresh",
        replicas=2,
        ready=0,
        age=20,
        pod_kw=starting,
        conditions=[
            condition("Available", False, "MinimumReplicasUnavailable", ago=20),
            condition("Progressing", True, "ReplicaSetUpdated", ago=20),
        ],
    )
    assert run(deployment_with_pods("web", replicas=3)) == []
    assert run(deployment("idle", replicas=0)) == []
    assert run(young) == []


def test_deployment_without_any_pod_or_event_points_at_the_replicaset() -> None:
    dep = deployment("api", replicas=2, ready=0)
    rs = replicaset(dep, ready=0)
    rs["status"]["replicas"] = 0
    f = run(dep, rs)[0]
    assert f.title == "api: unavailable - no pods created"
    assert "api-7d9f8b6c5 has created no pod" in f.root_cause


def test_failed_create_is_left_to_the_replicasets_analyzer() -> None:
    dep = deployment("api", replicas=2, ready=0)
    rs = replicaset(dep, ready=0)
    ev = event(
        rs, "FailedCreate", 'pods "api-x" is forbidden: exceeded quota: q', component="replicaset-controller"
    )
    assert run(dep, rs, ev) == []


def test_the_same_unavailable_deployment_keeps_its_finding_when_its_pods_change_state() -> None:
    """The title names the dominant pod state; the finding's identity does not, so a crash loop that
    turns into image-pull errors updates one finding instead of resolving it and opening another."""
    pulling = {
        "statuses": [cstatus(ready=False, state=waiting("ImagePullBackOff", "Back-off pulling image"))]
    }
    crashing = run(deployment_with_pods("api", "shop", replicas=3, ready=0, pod_kw=CRASHING))
    pull = run(deployment_with_pods("api", "shop", replicas=3, ready=0, pod_kw=pulling))
    assert crashing[0].title != pull[0].title
    assert crashing[0].id == pull[0].id
    other = run(deployment_with_pods("web", "shop", replicas=3, ready=0, pod_kw=CRASHING))
    assert other[0].id != crashing[0].id
