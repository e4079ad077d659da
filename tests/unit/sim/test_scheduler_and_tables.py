"""Scheduler predicates and their messages; kubectl's pod STATUS logic and Table rendering."""

from __future__ import annotations

import orjson

from kubemedic.sim.cluster import node
from kubemedic.sim.controllers.scheduler_fit import NodeUsage, failure_message, misfit
from kubemedic.sim.store import Entry
from kubemedic.sim.tables import pod_status_reason, render_table


def _pod(**spec: object) -> dict[str, object]:
    return {
        "metadata": {"name": "p", "namespace": "d", "labels": {"app": "p"}},
        "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "1Gi"}}}], **spec},
    }


def test_control_plane_taint_is_not_tolerated() -> None:
    reason, helpful = misfit(_pod(), node("cp", 0, control_plane=True), NodeUsage())
    assert reason == "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
    assert not helpful


def test_insufficient_memory_and_selector() -> None:
    worker = node("w", 1, memory="8Gi")
    assert misfit(_pod(), worker, NodeUsage(memory=7.5 * 2**30)) == ("Insufficient memory", True)
    assert misfit(_pod(nodeSelector={"gpu": "yes"}), worker, NodeUsage())[0] == (
        "node(s) didn't match Pod's node affinity/selector"
    )
    assert misfit(_pod(), worker, NodeUsage()) == (None, False)


def test_required_anti_affinity() -> None:
    anti = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "p"}}, "topologyKey": "kubernetes.io/hostname"}
            ]
        }
    }
    usage = NodeUsage(labels_of_pods=[{"app": "p"}])
    assert (
        misfit(_pod(affinity=anti), node("w", 1), usage)[0] == "node(s) didn't match pod anti-affinity rules"
    )


def test_failure_message_reads_like_the_scheduler() -> None:
    msg = failure_message(
        3,
        {
            "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }": 1,
            "Insufficient memory": 2,
        },
        {"w1": 1, "w2": 1},
    )
    assert msg == (
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are "
        "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for "
        "incoming pod."
    )


def _status_pod(states: list[dict[str, object]], **extra: object) -> dict[str, object]:
    return {
        "metadata": {"name": "p", **extra},
        "spec": {"containers": [{"name": f"c{i}"} for i in range(len(states))]},
        "status": {"phase": "Running", "containerStatuses": states},
    }


def test_pod_status_reason_matches_kubectl() -> None:
    waiting = {
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "restartCount": 4,
        "lastState": {"terminated": {"finishedAt": "2024-01-01T00:00:00Z"}},
    }
    running = {"state": {"running": {}}, "ready": True, "restartCount": 0}
    reason, ready, total, restarts, _ = pod_status_reason(_status_pod([waiting, running]))
    assert (reason, ready, total, restarts) == ("CrashLoopBackOff", 1, 2, 4)
    oom: dict[str, object] = {"state": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}
    assert pod_status_reason(_status_pod([oom]))[0] == "OOMKilled"
    assert pod_status_reason(_status_pod([running], deletionTimestamp="x"))[0] == "Terminating"
    assert (
        pod_status_reason({"metadata": {"name": "p"}, "spec": {}, "status": {"phase": "Pending"}})[0]
        == "Pending"
    )


def test_render_table_has_columns_rows_and_partial_metadata() -> None:
    pod = _status_pod(
        [{"state": {"running": {}}, "ready": True, "restartCount": 0}],
        namespace="shop",
        creationTimestamp="2024-01-01T00:00:00Z",
    )
    table = orjson.loads(
        render_table("Pod", [Entry(pod, 7)], 1704067200.0 + 90, list_meta={"resourceVersion": "7"})
    )
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0] == [
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age",
    ]
    row = table["rows"][0]
    assert row["cells"][:5] == ["p", "1/1", "Running", 0, "90s"]
    assert (
        row["object"]["kind"] == "PartialObjectMetadata" and row["object"]["metadata"]["namespace"] == "shop"
    )
