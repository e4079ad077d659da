"""Image pulls, start errors, scheduling, volumes, probes, evictions and stuck deletions."""

from __future__ import annotations

from kubemedic.analyzers.containers import (
    config_errors,
    creating,
    image_pull,
    init_containers,
    lifecycle,
    probes,
    scheduling,
)
from kubemedic.analyzers.containers.image_pull import classify_pull_failure
from kubemedic.analyzers.containers.scheduling import parse_scheduler_message
from kubemedic.domain import EvidenceSource, ObjectRef, Severity
from tests.factory import (
    container,
    cstatus,
    deployment_with_pods,
    event,
    http_probe,
    node,
    pod,
    running,
    state,
    terminated,
    waiting,
)

FP = "spec.containers{app}"


def _pulling(reason: str = "ImagePullBackOff") -> dict[str, object]:
    return cstatus(ready=False, state=waiting(reason, 'Back-off pulling image "x"'))


def test_image_not_found_vs_unauthorized_vs_network() -> None:
    assert classify_pull_failure("rpc error: code = NotFound desc = manifest unknown").name == "not-found"
    assert (
        classify_pull_failure(
            "pull access denied, repository does not exist or may require authorization: "
            "server message: insufficient_scope"
        ).name
        == "unauthorized"
    )
    assert (
        classify_pull_failure("dial tcp: lookup registry.corp on 10.96.0.10:53: no such host").name
        == "network"
    )
    assert classify_pull_failure("429 Too Many Requests - toomanyrequests").name == "rate-limited"
    assert classify_pull_failure("InvalidImageName").name == "invalid-name"


def test_image_pull_finding_quotes_kubelet_event() -> None:
    p = pod("worker-1", "shop", statuses=[_pulling()], ready=False, age=600)
    ev = event(
        p,
        "Failed",
        'Failed to pull image "r.io/w:9": rpc error: code = NotFound desc = r.io/w:9: not found',
        field_path=FP,
    )
    [finding] = list(image_pull.analyze(state(p, ev)))
    assert finding.category == "image-pull" and "(not-found)" in finding.title
    assert finding.evidence[0].source == EvidenceSource.EVENT and "not found" in finding.evidence[0].text
    assert "does not exist" in finding.root_cause


def test_young_pod_still_pulling_or_one_transient_error_is_quiet() -> None:
    pulling = pod(
        "fresh", "shop", statuses=[cstatus(ready=False, state=waiting("ContainerCreating"))], age=10
    )
    flaky = pod("flaky", "shop", statuses=[_pulling("ErrImagePull")], ready=False, age=10)
    ev = event(
        flaky, "Failed", 'Failed to pull image "r.io/w:1": dial tcp 1.2.3.4:443: i/o timeout', field_path=FP
    )
    assert list(image_pull.analyze(state(pulling, flaky, ev))) == []


def test_young_pod_with_a_missing_tag_is_reported_at_once() -> None:
    p = pod("new", "shop", statuses=[_pulling("ErrImagePull")], ready=False, age=10)
    ev = event(p, "Failed", 'Failed to pull image "r.io/w:9": manifest unknown', field_path=FP)
    [finding] = list(image_pull.analyze(state(p, ev)))
    assert "(not-found)" in finding.title


def test_create_container_config_error_names_missing_configmap() -> None:
    status = cstatus(
        ready=False, state=waiting("CreateContainerConfigError", 'configmap "checkout-config" not found')
    )
    [finding] = list(config_errors.analyze(state(pod("co", "shop", statuses=[status], ready=False))))
    assert finding.category == "container-config"
    assert "ConfigMap named checkout-config" in finding.root_cause
    assert ObjectRef("ConfigMap", "shop", "checkout-config") in finding.related


def test_run_container_error_exec_format() -> None:
    status = cstatus(ready=False, state=waiting("RunContainerError", "exec /app: exec format error"))
    [finding] = list(config_errors.analyze(state(pod("arm", "shop", statuses=[status], ready=False))))
    assert finding.category == "container-start" and "architecture" in finding.root_cause


def test_scheduler_message_is_parsed_into_reasons() -> None:
    blockers = parse_scheduler_message(
        "0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 "
        "nodes are "
        "available: 5 Preemption is not helpful for scheduling."
    )
    assert [(b.count, b.kind) for b in blockers] == [(1, "taint"), (2, "resources"), (2, "selector")]


def test_pending_pod_too_big_for_any_node() -> None:
    p = pod(
        "report",
        "shop",
        phase="Pending",
        node=None,
        statuses=[],
        age=600,
        containers=[container(requests={"memory": "64Gi"})],
    )
    ev = event(
        p,
        "FailedScheduling",
        "0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are "
        "available: 2 No preemption victims found for incoming pod.",
        component="default-scheduler",
    )
    [finding] = list(scheduling.analyze(state(p, ev, node("n1"), node("n2"))))
    assert finding.category == "scheduling" and finding.severity == Severity.ERROR
    assert "can never fit" in finding.root_cause and "16.0Gi" in finding.root_cause


def test_pending_node_selector_no_node_has_labels() -> None:
    p = pod("gpu", "shop", phase="Pending", node=None, statuses=[], node_selector={"gpu": "a100"})
    ev = event(
        p, "FailedScheduling", "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
    )
    [finding] = list(scheduling.analyze(state(p, ev, node("n1"))))
    assert "No node carries the labels" in finding.root_cause and "gpu=a100" in finding.root_cause


def test_failed_mount_and_sandbox() -> None:
    creating_status = [cstatus(ready=False, state=waiting("ContainerCreating"))]
    a = pod("a", "shop", phase="Pending", statuses=creating_status, ready=False, age=900)
    b = pod("b", "shop", phase="Pending", statuses=creating_status, ready=False, age=900)
    s = state(
        a,
        b,
        event(a, "FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "app-cfg" not found'),
        event(
            b,
            "FailedCreatePodSandBox",
            'Failed to create pod sandbox: plugin type="calico" failed (add): '
            "error getting ClusterInformation: connection is unauthorized",
        ),
    )
    found = {f.object.name: f for f in creating.analyze(s)}
    assert (
        found["a"].category == "volume-mount"
        and ObjectRef("ConfigMap", "shop", "app-cfg") in found["a"].related
    )
    assert found["b"].category == "sandbox"


def test_young_creating_pod_is_quiet() -> None:
    p = pod(
        "new",
        "shop",
        phase="Pending",
        statuses=[cstatus(ready=False, state=waiting("ContainerCreating"))],
        ready=False,
        age=20,
    )
    assert list(creating.analyze(state(p))) == []


def test_readiness_probe_on_undeclared_port_is_the_root_cause() -> None:
    c = container(ports=[8080], readiness=http_probe(8081))
    p = pod("web-1", "shop", containers=[c], statuses=[cstatus(ready=False, state=running())], ready=False)
    ev = event(
        p,
        "Unhealthy",
        'Readiness probe failed: Get "http://10.244.1.5:8081/healthz": dial tcp '
        "10.244.1.5:8081: connect: connection refused",
        field_path=FP,
        count=40,
    )
    [finding] = list(probes.analyze(state(p, ev)))
    assert finding.category == "probe" and "port 8081" in finding.root_cause and "8080" in finding.root_cause


def test_probe_on_ready_pod_with_old_event_is_quiet() -> None:
    c = container(ports=[8080], readiness=http_probe(8080))
    p = pod("ok", "shop", containers=[c])
    ev = event(
        p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", field_path=FP
    )
    assert list(probes.analyze(state(p, ev))) == []


def test_init_container_failure() -> None:
    init = cstatus(
        "wait-db",
        ready=False,
        restarts=4,
        state=waiting("CrashLoopBackOff"),
        last_state=terminated("Error", 1, ago=30),
    )
    init["name"] = "wait-db"
    p = pod(
        "api-1",
        "shop",
        phase="Pending",
        statuses=[cstatus(ready=False, state=waiting("PodInitializing"))],
        init_statuses=[init],
        init_containers=[container("wait-db")],
        ready=False,
    )
    [finding] = list(init_containers.analyze(state(p)))
    assert finding.category == "init-container" and "wait-db" in finding.title


def test_evicted_pods_grouped_and_stuck_terminating() -> None:
    objs = deployment_with_pods(
        "web",
        "shop",
        replicas=2,
        pod_kw={
            "phase": "Failed",
            "reason": "Evicted",
            "statuses": [],
            "ready": False,
            "message": "The node was low on resource: memory. Threshold quantity: 100Mi, available: 82Mi.",
        },
    )
    stuck = pod("zombie", "shop", deleting=900, node="node-9")
    fresh_delete = pod("leaving", "shop", deleting=-10)
    s = state(objs, stuck, fresh_delete, node("node-9", ready=False))
    found = list(lifecycle.analyze(s))
    kinds = sorted((f.category, f.object.name) for f in found)
    assert kinds == [("eviction", "web"), ("terminating", "zombie")]
    stuck_f = next(f for f in found if f.category == "terminating")
    assert "node-9 is not Ready" in stuck_f.root_cause
