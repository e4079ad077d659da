from __future__ import annotations

from kubemedic.analyzers.workloads import nodes
from kubemedic.domain import Finding, Severity
from tests.factory import Obj, condition, node, pod, state

UNSCHEDULABLE_MSG = "0/2 nodes are available: 1 node(s) were unschedulable, 1 Insufficient cpu."


def run(*objs: Obj | list[Obj]) -> list[Finding]:
    return list(nodes.analyze(state(*objs)))


def test_not_ready_node_hosting_pods_is_critical_with_condition_and_pods() -> None:
    n = node(
        "node-2",
        ready=False,
        ready_ago=720,
        ready_message="PLEG is not healthy: pleg was last seen active 3m ago",
    )
    n["spec"]["taints"] = [{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}]
    pods = [pod(f"web-{i}", node="node-2") for i in range(12)]
    findings = run(n, pods, pod("elsewhere", node="node-1"))

    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity, f.title) == ("node", Severity.CRITICAL, "node-2: NotReady")
    assert f.message == "Node node-2 has been NotReady for 12m; it hosts 12 pod(s)."
    assert f.evidence[0].text == (
        "status.conditions[Ready]: False KubeletNotReady: "
        "PLEG is not healthy: pleg was last seen active 3m ago"
    )
    assert f.evidence[1].text == "spec.taints: node.kubernetes.io/not-ready:NoExecute"
    assert "container runtime is too slow" in f.root_cause
    assert len(f.related) == 10 and "elsewhere" not in {r.name for r in f.related}


def test_unknown_ready_without_pods_is_error() -> None:
    n = node(
        "node-3",
        ready="Unknown",
        ready_reason="NodeStatusUnknown",
        ready_message="Kubelet stopped posting node status.",
    )
    f = run(n)[0]
    assert (f.severity, f.title) == (Severity.ERROR, "node-3: NotReady (kubelet stopped reporting)")
    assert "stopped posting status" in f.root_cause


def test_pressure_and_network_conditions() -> None:
    n = node("node-1", pressure={"DiskPressure": True})
    n["status"]["conditions"].append(
        condition("NetworkUnavailable", True, "NoRouteCreated", "route not created")
    )
    got = {(f.title, f.severity) for f in run(n)}
    assert got == {("node-1: DiskPressure", Severity.WARNING), ("node-1: NetworkUnavailable", Severity.ERROR)}


def test_cordoned_node_is_info_until_pods_wait_for_it() -> None:
    cordoned = node("node-2", unschedulable=True)
    info = run(cordoned)
    assert [(f.severity, f.title) for f in info] == [(Severity.INFO, "node-2: cordoned")]

    waiting_pod = pod(
        "api-1",
        phase="Pending",
        node=None,
        statuses=[],
        conditions=[condition("PodScheduled", False, "Unschedulable", UNSCHEDULABLE_MSG)],
    )
    f = run(cordoned, waiting_pod)[0]
    assert f.severity == Severity.WARNING
    assert f.evidence[1].text == f"status.conditions[PodScheduled]: {UNSCHEDULABLE_MSG}"
    assert [r.name for r in f.related] == ["api-1"]
    assert "kubectl uncordon node-2" in f.remediation


def test_uninitialized_node_is_a_warning() -> None:
    n = node(
        "node-4",
        taints=[
            {"key": "node.cloudprovider.kubernetes.io/uninitialized", "value": "true", "effect": "NoSchedule"}
        ],
    )
    f = run(n)[0]
    assert f.title == "node-4: not initialized by the cloud provider"


def test_healthy_lookalikes_are_quiet() -> None:
    joining = node("node-9", ready=False, ready_message="network plugin not ready: cni config uninitialized")
    joining["metadata"]["creationTimestamp"] = "2026-11-24T11:59:30Z"
    assert run(node("node-1"), node("node-2"), joining, pod("web", node="node-1")) == []
