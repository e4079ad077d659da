"""Crash loops and OOM kills: found with the evidence that proves them; history stays quiet."""

from __future__ import annotations

from kubemedic.analyzers.containers import crash_loop
from kubemedic.analyzers.containers.exit_codes import explain_exit
from kubemedic.domain import EvidenceSource, Severity
from tests.factory import (
    container,
    cstatus,
    deployment_with_pods,
    event,
    job,
    job_complete,
    pod,
    running,
    state,
    terminated,
    waiting,
)


def _crashing(exit_code: int = 1, reason: str = "Error", restarts: int = 7) -> dict[str, object]:
    return cstatus(
        ready=False,
        restarts=restarts,
        state=waiting("CrashLoopBackOff", "back-off 5m0s restarting failed container=app"),
        last_state=terminated(reason, exit_code, ago=40),
    )


def test_crash_loop_on_workload_with_exit_code_meaning_event_and_log() -> None:
    objs = deployment_with_pods(
        "api", "shop", replicas=3, ready=0, pod_kw={"statuses": [_crashing(127)], "ready": False}
    )
    first = objs[2]
    s = state(
        objs,
        event(
            first,
            "BackOff",
            "Back-off restarting failed container app",
            count=30,
            field_path="spec.containers{app}",
        ),
        logs={("shop", first["metadata"]["name"], "app", True): 'starting\nexec: "/srv/api": not found\n\n'},
    )
    [finding] = list(crash_loop.analyze(s))
    assert finding.object.kind == "Deployment" and finding.object.name == "api"
    assert finding.category == "crash-loop" and finding.severity == Severity.ERROR
    assert finding.title == "app: crash loop - exit code 127"
    assert "CrashLoopBackOff" in finding.message
    assert "command was not found" in finding.root_cause
    assert len(finding.related) == 3 and "3 pods" in finding.message
    sources = [e.source for e in finding.evidence]
    assert sources == [EvidenceSource.FIELD, EvidenceSource.EVENT, EvidenceSource.LOG]
    assert finding.evidence[2].text == 'exec: "/srv/api": not found'
    assert finding.evidence[2].location.endswith("app.previous.log:2")


def test_a_crash_loop_keeps_its_id_between_crashes() -> None:
    """Between two crashes the container runs: the same finding, not a resolve and a reopen."""
    waiting_now = cstatus(
        ready=False,
        restarts=5,
        state=waiting("CrashLoopBackOff"),
        last_state=terminated("Error", 1, ago=20),
    )
    running_now = cstatus(restarts=6, state=running(ago=5), last_state=terminated("Error", 1, ago=6))
    [looping] = list(crash_loop.analyze(state(pod("w", "shop", statuses=[waiting_now], ready=False))))
    [between] = list(crash_loop.analyze(state(pod("w", "shop", statuses=[running_now]))))
    assert looping.id == between.id
    assert looping.severity == between.severity == Severity.ERROR
    assert "running again for now" in between.message


def test_oom_names_the_memory_limit() -> None:
    c = container(limits={"memory": "128Mi"})
    p = pod("cache-0", "shop", containers=[c], statuses=[_crashing(137, "OOMKilled")], ready=False)
    [finding] = list(crash_loop.analyze(state(p)))
    assert finding.category == "oom" and finding.title == "app: OOMKilled"
    assert "128Mi" in finding.root_cause
    assert any(e.text.endswith("128Mi") for e in finding.evidence)


def test_recent_oom_on_a_ready_pod_is_a_warning() -> None:
    status = cstatus(restarts=1, state=running(ago=300), last_state=terminated("OOMKilled", 137, ago=310))
    [finding] = list(crash_loop.analyze(state(pod("w", "shop", statuses=[status]))))
    assert finding.category == "oom" and finding.severity == Severity.WARNING


def test_quiet_for_history_completed_jobs_and_healthy_pods() -> None:
    old_restart = cstatus(
        restarts=2, state=running(ago=86_000), last_state=terminated("OOMKilled", 137, ago=86_400)
    )
    done = pod(
        "migrate-x",
        "shop",
        phase="Succeeded",
        owner=job("migrate", "shop", succeeded=1, conditions=job_complete()),
        statuses=[cstatus(ready=False, state=terminated("Completed", 0))],
    )
    s = state(pod("old", "shop", statuses=[old_restart]), done, deployment_with_pods("web", "shop"))
    assert list(crash_loop.analyze(s)) == []


def test_exit_code_meanings_are_data() -> None:
    assert "SIGKILL" in explain_exit(137)
    assert "segmentation fault" in explain_exit(139)
    assert "signal 10" in explain_exit(138)
    assert explain_exit(None) == "no exit code recorded"
    assert "status 42" in explain_exit(42)
