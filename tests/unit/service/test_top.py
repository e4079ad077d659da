"""`kubemedic top`'s join: usage against requests/limits/allocatable, and the ANOMALY a row shows
from the findings about its pod, its workload or its node (nothing when nothing is wrong)."""

from __future__ import annotations

from kubemedic.analyzers.run import run_analyzers
from kubemedic.cluster.metrics_api import parse_node_metrics
from kubemedic.domain import Finding, ObjectRef, Severity
from kubemedic.service.top import SortBy, node_rows, pod_rows
from kubemedic.state.usage import ContainerUsage, NodeUsage, PodUsage
from tests import factory as f


def _usage(ns: str, pod: str, *containers: tuple[str, str, str]) -> PodUsage:
    return PodUsage(ns, pod, "2026-11-24T12:00:00Z", tuple(ContainerUsage(*c) for c in containers))


def _worker(**pod_kw: object) -> list[dict[str, object]]:
    c = f.container("worker", requests={"cpu": "200m", "memory": "128Mi"}, limits={"memory": "256Mi"})
    return f.deployment_with_pods("worker", "jobs", replicas=1, containers=[c], pod_kw=dict(pod_kw))


def test_percentages_of_request_and_limit_for_a_pod_with_known_resources() -> None:
    objs = _worker()
    pod_name = objs[2]["metadata"]["name"]  # type: ignore[index]
    state = f.state(objs)
    rows = pod_rows(state, [_usage("jobs", pod_name, ("worker", "50m", "64Mi"))], [])
    assert len(rows) == 1
    row = rows[0]
    assert (row.namespace, row.pod, row.container) == ("jobs", pod_name, "worker")
    assert row.cpu_m == 50.0 and row.memory_mi == 64.0
    assert row.cpu_request_pct == 25.0
    assert row.cpu_limit_pct is None  # no CPU limit: no percentage, not 0 or infinity
    assert row.memory_request_pct == 50.0
    assert row.memory_limit_pct == 25.0
    assert row.anomaly == ""  # healthy: the column stays empty


def test_an_oom_killed_pod_shows_the_analyzers_oom_finding() -> None:
    oom = f.cstatus(
        "worker",
        restarts=4,
        ready=False,
        state=f.waiting("CrashLoopBackOff", "back-off 40s restarting failed container"),
        last_state=f.terminated("OOMKilled", exit_code=137),
    )
    objs = _worker(statuses=[oom], ready=False)
    pod_name = objs[2]["metadata"]["name"]  # type: ignore[index]
    state = f.state(objs)
    findings = run_analyzers(state)
    rows = pod_rows(state, [_usage("jobs", pod_name, ("worker", "5m", "250Mi"))], findings)
    assert "OOMKilled" in rows[0].anomaly
    assert rows[0].memory_limit_pct == round(250 / 256 * 100, 1)
    # between kills the pod has no metrics: it still gets a row, usage unknown, the OOM named
    (unmeasured,) = pod_rows(state, [], findings)
    assert (unmeasured.pod, unmeasured.container) == (pod_name, "worker")
    assert unmeasured.memory_mi is None and unmeasured.memory_limit_pct is None
    assert unmeasured.memory_limit_mi == 256.0
    assert "OOMKilled" in unmeasured.anomaly


def test_pods_without_metrics_and_without_findings_or_finished_are_not_listed() -> None:
    state = f.state(f.pod("quiet", "x"), f.pod("done", "x", phase="Failed", statuses=[]))
    findings = [Finding(ObjectRef("Pod", "x", "done"), Severity.ERROR, "job", "done failed", "m")]
    assert pod_rows(state, [], findings) == ()


def test_anomaly_findings_on_the_workload_reach_its_pods_and_info_is_left_out() -> None:
    objs = _worker()
    pod_name = objs[2]["metadata"]["name"]  # type: ignore[index]
    state = f.state(objs, f.pod("lonely", "jobs"))
    deploy = ObjectRef("Deployment", "jobs", "worker")
    findings = [
        Finding(deploy, Severity.WARNING, "anomaly", "worker memory climbing", "m"),
        Finding(deploy, Severity.ERROR, "crash-loop", "worker: CrashLoopBackOff", "m"),
        Finding(deploy, Severity.INFO, "unused", "worker has no HPA", "m"),
    ]
    rows = pod_rows(
        state,
        [_usage("jobs", pod_name, ("worker", "1m", "1Mi")), _usage("jobs", "lonely", ("app", "1m", "1Mi"))],
        findings,
    )
    by_pod = {r.pod: r for r in rows}
    assert by_pod[pod_name].anomaly == "worker: CrashLoopBackOff; worker memory climbing"
    assert by_pod["lonely"].anomaly == ""


def test_namespace_filter_sorting_and_unreadable_or_unknown_pods() -> None:
    state = f.state(f.pod("a", "x"), f.pod("b", "y"))
    usage = [
        _usage("x", "a", ("app", "10m", "300Mi")),
        _usage("y", "b", ("app", "90m", "100Mi")),
        _usage("y", "gone", ("app", "garbage", "5Mi")),  # not in state (deleted meanwhile)
    ]
    assert [r.pod for r in pod_rows(state, usage, [], namespaces=frozenset({"x"}))] == ["a"]
    assert [r.pod for r in pod_rows(state, usage, [], sort_by=SortBy.cpu)] == ["b", "a", "gone"]
    assert [r.pod for r in pod_rows(state, usage, [], sort_by=SortBy.memory)] == ["a", "b", "gone"]
    gone = next(r for r in pod_rows(state, usage, []) if r.pod == "gone")
    assert gone.cpu_m is None and gone.cpu_request_pct is None and gone.memory_mi == 5.0


def test_nodes_usage_against_allocatable_with_not_ready_and_pressure_flagged() -> None:
    state = f.state(
        f.node("n1", allocatable={"cpu": "4", "memory": "16Gi", "pods": "110"}),
        f.node("n2", ready=False),
        f.node("n3", pressure={"MemoryPressure": True}, unschedulable=True),
    )
    findings = [Finding(ObjectRef("Node", "", "n2"), Severity.CRITICAL, "node", "n2 is NotReady", "m")]
    usage = [
        NodeUsage("n1", "", "1", "4Gi"),
        NodeUsage("n3", "", "500m", "8Gi"),
    ]
    rows = {r.name: r for r in node_rows(state, usage, findings)}
    assert rows["n1"].status == "Ready"
    assert (rows["n1"].cpu_m, rows["n1"].cpu_pct, rows["n1"].memory_mi, rows["n1"].memory_pct) == (
        1000.0,
        25.0,
        4096.0,
        25.0,
    )
    assert rows["n2"].status == "NotReady"
    assert rows["n2"].cpu_m is None and rows["n2"].cpu_pct is None  # no metrics for a NotReady node
    assert rows["n2"].anomaly == "n2 is NotReady"
    assert rows["n3"].status == "Ready,MemoryPressure,SchedulingDisabled"
    assert next(r.name for r in node_rows(state, usage, findings, sort_by=SortBy.memory)) == "n3"


def test_node_metrics_body_is_read_and_malformed_items_are_skipped() -> None:
    body = {
        "items": [
            {"metadata": {"name": "n1"}, "timestamp": "t", "usage": {"cpu": "250m", "memory": "1Gi"}},
            {"metadata": {}, "usage": {"cpu": "1"}},
            {"metadata": {"name": "n2"}},
            "junk",
        ]
    }
    assert parse_node_metrics(body) == [NodeUsage("n1", "t", "250m", "1Gi")]
    assert parse_node_metrics({"kind": "Status"}) == []
