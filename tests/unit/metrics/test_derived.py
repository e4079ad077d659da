"""Series derived from the cluster state: restarts per workload, pending pods per namespace and for
the cluster, unavailable replicas per Deployment/StatefulSet/DaemonSet; and usage as samples."""

from __future__ import annotations

from kubemedic.metrics.derived import derived_samples, unavailable
from kubemedic.metrics.samples import (
    CPU_CORES,
    MEMORY_BYTES,
    PENDING_PODS,
    RESTARTS,
    UNAVAILABLE_REPLICAS,
    SeriesId,
)
from kubemedic.metrics.usage_samples import node_samples, pod_samples
from kubemedic.state.usage import ContainerUsage, NodeUsage, PodUsage
from tests.unit.metrics.workloads import T0, pod, state


def test_restarts_pending_and_unavailable_from_the_state() -> None:
    cluster = state(
        pod("web-1", restarts=2),
        pod("web-2", restarts=5),
        pod("web-3", phase="Pending"),
        pod("solo", namespace="batch", owner=None, restarts=1),
        pod("queued", namespace="batch", owner=None, phase="Pending"),
        extra=(
            {"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "shop"}, "spec": {"replicas": 3},
             "status": {"availableReplicas": 1}},
            {"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "ops"},
             "status": {"desiredNumberScheduled": 4, "numberAvailable": 4}},
        ),
    )  # fmt: skip
    got = {s.series: s.value for s in derived_samples(cluster, T0)}
    assert all(s.timestamp == T0 for s in derived_samples(cluster, T0))
    assert got[SeriesId(RESTARTS, "Deployment", "shop", "web")] == 7.0, (
        "summed over the pods, under the owner"
    )
    assert got[SeriesId(RESTARTS, "Pod", "batch", "solo")] == 1.0, "a bare pod is its own workload"
    assert got[SeriesId(PENDING_PODS, "Namespace", "", "shop")] == 1.0
    assert got[SeriesId(PENDING_PODS, "Namespace", "", "batch")] == 1.0
    assert got[SeriesId(PENDING_PODS, "Cluster", "", "")] == 2.0
    assert got[SeriesId(UNAVAILABLE_REPLICAS, "Deployment", "shop", "web")] == 0.0
    assert got[SeriesId(UNAVAILABLE_REPLICAS, "StatefulSet", "shop", "db")] == 2.0
    assert got[SeriesId(UNAVAILABLE_REPLICAS, "DaemonSet", "ops", "agent")] == 0.0


def test_unavailable_reads_missing_or_odd_fields_as_zero() -> None:
    assert unavailable("Deployment", {}, {}) == 1.0, "spec.replicas defaults to 1, none available"
    assert unavailable("Deployment", {"replicas": 2}, {"availableReplicas": 5}) == 0.0, "never below 0"
    assert unavailable("Deployment", {"replicas": "3"}, None) == 0.0
    assert unavailable("DaemonSet", {}, {"desiredNumberScheduled": 3, "numberAvailable": True}) == 3.0


def test_usage_becomes_samples_per_container_and_node_bad_quantities_left_out() -> None:
    pods = [
        PodUsage(
            "shop", "web-1", "", (ContainerUsage("app", "250m", "100Mi"), ContainerUsage("x", "?", "1Ki"))
        )
    ]
    got = {s.series: s.value for s in pod_samples(pods, T0)}
    assert got == {
        SeriesId(CPU_CORES, "Pod", "shop", "web-1", "app"): 0.25,
        SeriesId(MEMORY_BYTES, "Pod", "shop", "web-1", "app"): 100 * 1024 * 1024,
        SeriesId(MEMORY_BYTES, "Pod", "shop", "web-1", "x"): 1024.0,
    }
    nodes = {s.series: s.value for s in node_samples([NodeUsage("n1", "", "1500m", "2Gi")], T0)}
    assert nodes == {
        SeriesId(CPU_CORES, "Node", "", "n1"): 1.5,
        SeriesId(MEMORY_BYTES, "Node", "", "n1"): 2**31,
    }
