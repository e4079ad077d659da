"""The ground truth of a synthesized row: which objects count as the fault's, what a label says, how a
cell is written, and how a scenario list is read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kubemedic.domain import Finding, InputError, ObjectRef, Severity
from kubemedic.service.synth.labels import CLEAN, FaultTarget
from kubemedic.service.synth.run import parse_scenarios
from kubemedic.service.synth.tables import text
from kubemedic.sim.scenarios import BY_NAME, SCENARIOS
from tests.factory import deployment_with_pods, node, pod, service, state


def target(kind: str, namespace: str, name: str, category: str = "oom") -> FaultTarget:
    return FaultTarget("s", category, kind, namespace, name, "Reason", 30.0)


CLUSTER = state(
    deployment_with_pods("cache", "shop"),
    deployment_with_pods("cache-warmer", "shop"),
    service("cache", "shop", selector={"app": "cache"}),
    service("web", "shop", selector={"app": "web"}),
    node("worker2"),
    pod("loner", "shop", node="worker2"),
)


def test_a_deployment_fault_covers_its_replicaset_pods_and_the_service_in_front() -> None:
    t = target("Deployment", "shop", "cache")
    assert t.covers(CLUSTER, "Deployment", "shop", "cache")
    assert t.covers(CLUSTER, "ReplicaSet", "shop", "cache-7d9f8b6c5")
    assert t.covers(CLUSTER, "Pod", "shop", "cache-7d9f8b6c5-x2k9p")
    assert t.covers(CLUSTER, "Service", "shop", "cache")
    assert not t.covers(CLUSTER, "Deployment", "shop", "cache-warmer")  # a name prefix is not ownership
    assert not t.covers(CLUSTER, "Pod", "shop", "cache-warmer-7d9f8b6c5-x2k9p")
    assert not t.covers(CLUSTER, "Service", "shop", "web")
    assert not t.covers(CLUSTER, "Pod", "shop", "gone-pod")


def test_a_replicaset_declared_by_its_deployments_name_covers_its_owner_and_pods() -> None:
    t = target("ReplicaSet", "shop", "cache", "quota")  # the cluster names it cache-7d9f8b6c5
    assert t.covers(CLUSTER, "ReplicaSet", "shop", "cache-7d9f8b6c5")
    assert t.covers(CLUSTER, "Deployment", "shop", "cache")
    assert t.covers(CLUSTER, "Pod", "shop", "cache-7d9f8b6c5-b7mq4")
    assert not t.covers(CLUSTER, "ReplicaSet", "shop", "cache-warmer-7d9f8b6c5")


def test_a_node_fault_covers_the_pods_scheduled_on_it() -> None:
    t = target("Node", "", "worker2", "node")
    assert t.covers(CLUSTER, "Node", "", "worker2") and t.covers(CLUSTER, "Pod", "shop", "loner")
    assert t.display == "Node worker2"


def test_a_finding_that_blames_the_fault_object_makes_it_visible() -> None:
    t = target("Deployment", "shop", "cache", "connectivity")
    client = ObjectRef("Deployment", "shop", "cache-warmer")
    blaming = Finding(
        client, Severity.ERROR, "connectivity", "t", "m", depends_on=(ObjectRef("Service", "shop", "cache"),)
    )
    elsewhere = Finding(client, Severity.ERROR, "connectivity", "t", "m")
    wrong_category = Finding(ObjectRef("Deployment", "shop", "cache"), Severity.ERROR, "probe", "t", "m")
    assert t.blamed(CLUSTER, blaming) and t.visible(CLUSTER, [blaming])
    assert not t.visible(CLUSTER, [elsewhere, wrong_category])


def test_the_label_is_the_category_only_on_the_fault_object_once_planted() -> None:
    t = target("Deployment", "shop", "cache")
    assert t.label(29.9, True) == "" and not t.active(29.9)
    assert t.label(30.0, True) == "oom" and t.label(30.0, False) == ""
    clean = FaultTarget.of(None, 30.0)
    assert clean.scenario == CLEAN and clean.label(1e9, True) == "" and not clean.active(1e9)
    assert not clean.covers(CLUSTER, "Deployment", "shop", "cache") and clean.display == ""
    leak = FaultTarget.of(BY_NAME["memory-leak"], 45.0)
    assert (leak.display, leak.category, leak.planted_at) == ("Deployment shop/session-cache", "oom", 45.0)


def test_cells_are_written_the_same_way_every_time() -> None:
    assert text(None) == "" and text(True) == "true" and text(False) == "false"
    assert text(0.1 + 0.2) == "0.3" and text(1 / 3) == "0.333333333" and text(268435456) == "268435456"
    assert text(datetime(2027, 1, 15, 8, 0, 5, tzinfo=UTC)) == "2027-01-15T08:00:05Z"


def test_scenario_lists_keep_their_order_drop_repeats_and_name_the_unknown() -> None:
    assert parse_scenarios("all") == tuple(s.name for s in SCENARIOS)
    assert parse_scenarios(" memory-leak, oomkilled,memory-leak,clean") == ("memory-leak", "oomkilled")
    with pytest.raises(
        InputError, match=r"unknown scenarios 'x', 'y'; valid: all, clean, cpu-throttling, crashloop-config"
    ):
        parse_scenarios("memory-leak,x,y")
    with pytest.raises(InputError, match="--scenarios is empty"):
        parse_scenarios(" , ")
