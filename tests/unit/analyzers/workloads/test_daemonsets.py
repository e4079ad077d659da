from __future__ import annotations

from kubemedic.analyzers.workloads import daemonsets
from kubemedic.domain import Finding, Severity
from tests.factory import Obj, cstatus, daemonset, pod, state, waiting


def ds_pods(ds: Obj, states: list[Obj | None], age: float = 86_400) -> list[Obj]:
    out = []
    for i, st in enumerate(states):
        statuses = None if st is None else [cstatus(ready=False, state=st)]
        out.append(
            pod(
                f"agent-{i}",
                "kube-system",
                owner=ds,
                labels={"app": "agent"},
                node=f"node-{i}",
                statuses=statuses,
                age=age,
            )
        )
    return out


def run(*objs: Obj | list[Obj]) -> list[Finding]:
    return list(daemonsets.analyze(state(*objs)))


def test_pods_failing_on_some_nodes_names_the_nodes() -> None:
    ds = daemonset("agent", desired=3, ready=1)
    pull = waiting("ImagePullBackOff", 'Back-off pulling image "agent:2.0"')
    findings = run(ds, ds_pods(ds, [None, pull, pull]))
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity) == ("workload", Severity.WARNING)
    assert f.title == "agent: unavailable - pods ImagePullBackOff"
    assert "2/3 pods ImagePullBackOff on node-1, node-2" in f.message
    assert f.evidence[0].text == "status.numberReady: 1/3"
    assert {r.name for r in f.related} == {"agent-1", "agent-2"}
    assert "-n kube-system" in f.remediation


def test_no_ready_pod_anywhere_is_an_error() -> None:
    ds = daemonset("agent", desired=2, ready=0)
    crash = waiting("CrashLoopBackOff")
    assert run(ds, ds_pods(ds, [crash, crash]))[0].severity == Severity.ERROR


def test_misscheduled_pods_are_reported() -> None:
    ds = daemonset("agent", desired=2)
    ds["status"]["numberMisscheduled"] = 1
    f = run(ds, ds_pods(ds, [None, None]))[0]
    assert f.title == "agent: pods running on nodes they should not"
    assert f.evidence[0].text == "status.numberMisscheduled: 1"


def test_healthy_lookalikes_are_quiet() -> None:
    healthy = daemonset("agent", desired=2)
    nowhere = daemonset("gpu", desired=0, ready=0)
    rolling = daemonset("log", desired=1, ready=0)
    rolling_pod = pod(
        "log-0",
        "kube-system",
        owner=rolling,
        age=10,
        statuses=[cstatus(ready=False, state=waiting("ContainerCreating"))],
    )
    assert run(healthy, ds_pods(healthy, [None, None]), nowhere, rolling, rolling_pod) == []
