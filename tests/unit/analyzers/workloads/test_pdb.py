from __future__ import annotations

from kubemedic.analyzers.workloads import pdb as pdb_analyzer
from kubemedic.domain import Finding, Severity
from tests.factory import Obj, deployment_with_pods, pdb, state


def run(*objs: Obj | list[Obj]) -> list[Finding]:
    return list(pdb_analyzer.analyze(state(*objs)))


def test_min_available_equal_to_replicas_blocks_all_disruptions() -> None:
    budget = pdb("api", min_available=3, allowed=0, current=3, desired=3, expected=3)
    findings = run(deployment_with_pods("api", replicas=3), budget)

    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity) == ("disruption-budget", Severity.WARNING)
    assert f.title == "api: blocks all voluntary disruptions"
    assert "minAvailable 3 equals the number of pods (3)" in f.root_cause
    assert "`kubectl drain`" in f.root_cause
    assert f.evidence[0].text == "spec.minAvailable: 3"
    assert (
        f.evidence[1].text == "status: disruptionsAllowed=0 currentHealthy=3 desiredHealthy=3 expectedPods=3"
    )
    assert f.related[0].kind == "Deployment" and f.related[0].name == "api"
    assert len(f.related) == 4


def test_max_unavailable_zero_and_single_replica_are_explained() -> None:
    zero = pdb("api", max_unavailable=0, allowed=0, current=2, desired=2, expected=2)
    single = pdb("solo", min_available=1, allowed=0, current=1, desired=1, expected=1)
    found = {
        f.object.name: f.root_cause
        for f in run(deployment_with_pods("api"), deployment_with_pods("solo", replicas=1), zero, single)
    }
    assert "maxUnavailable is 0" in found["api"]
    assert "a single pod with minAvailable 1" in found["solo"]


def test_pdb_selecting_no_pods_is_info() -> None:
    f = run(pdb("ghost", selector={"app": "gone"}, allowed=0, current=0, desired=0, expected=0))[0]
    assert (f.severity, f.title) == (Severity.INFO, "ghost: selects no pods")
    assert "app=gone" in f.root_cause


def test_healthy_lookalikes_are_quiet() -> None:
    allows_one = pdb("api", min_available=2, allowed=1, current=3, desired=2, expected=3)
    # at zero because a pod is unhealthy: the pod analyzers own that, not the budget
    degraded = pdb("web", min_available=2, allowed=0, current=1, desired=2, expected=2)
    assert (
        run(deployment_with_pods("api", replicas=3), deployment_with_pods("web"), allows_one, degraded) == []
    )
