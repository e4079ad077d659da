from __future__ import annotations

from datetime import timedelta

from kubemedic.analyzers.workloads.pod_summary import pod_state, summarize
from kubemedic.state import Pod
from tests.factory import NOW, Obj, condition, cstatus, pod, running, state, terminated, waiting


def view(raw: Obj) -> Pod:
    found = state(raw).pods()
    return found[0]


def label(raw: Obj) -> tuple[str, str, bool, bool]:
    s = pod_state(view(raw), NOW)
    return s.label, s.detail, s.healthy, s.starting


def test_crash_loop_waiting_state_carries_last_exit() -> None:
    raw = pod(
        "a",
        statuses=[
            cstatus(
                ready=False,
                restarts=5,
                state=waiting("CrashLoopBackOff"),
                last_state=terminated("OOMKilled", 137),
            )
        ],
    )
    assert label(raw) == ("CrashLoopBackOff", "exit code 137, OOMKilled", False, False)


def test_crash_looping_container_running_between_crashes_keeps_its_label() -> None:
    raw = pod(
        "a",
        statuses=[
            cstatus(ready=False, restarts=5, state=running(5), last_state=terminated("Error", 1, ago=20))
        ],
    )
    assert label(raw)[0] == "CrashLoopBackOff"


def test_old_restart_with_a_not_ready_container_is_not_a_crash_loop() -> None:
    raw = pod(
        "a",
        statuses=[
            cstatus(
                ready=False, restarts=1, state=running(86_000), last_state=terminated("Error", 1, ago=86_000)
            )
        ],
    )
    assert label(raw)[:3] == ("NotReady", "container app not ready", False)


def test_restarted_days_ago_and_ready_since_is_healthy() -> None:
    raw = pod(
        "a",
        statuses=[cstatus(restarts=1, state=running(86_000), last_state=terminated("Error", 1, ago=86_000))],
    )
    assert label(raw)[2] is True


def test_job_pod_that_failed_once_is_error_not_crash_loop() -> None:
    raw = pod(
        "a",
        phase="Failed",
        ready=False,
        statuses=[cstatus(ready=False, state=terminated("Error", 2))],
        spec_extra={"restartPolicy": "Never"},
    )
    assert label(raw)[:2] == ("Error", "exit code 2")


def test_young_pod_pulling_is_starting_but_young_crash_loop_is_failing() -> None:
    pulling = pod("a", age=30, statuses=[cstatus(ready=False, state=waiting("ContainerCreating"))])
    crashing = pod(
        "b", age=30, statuses=[cstatus(ready=False, restarts=2, state=waiting("CrashLoopBackOff"))]
    )
    assert label(pulling)[3] is True
    assert label(crashing)[3] is False


def test_summary_text_counts_labels_most_common_first() -> None:
    msg = "0/3 nodes are available: 3 Insufficient cpu."
    pending = {
        "phase": "Pending",
        "node": None,
        "statuses": [],
        "conditions": [condition("PodScheduled", False, "Unschedulable", msg)],
    }
    pods = [
        view(pod("web-1", statuses=[cstatus(ready=False, state=waiting("CrashLoopBackOff"))])),
        view(pod("web-2", statuses=[cstatus(ready=False, state=waiting("CrashLoopBackOff"))])),
        view(pod("web-3", **pending)),  # type: ignore[arg-type]
        view(pod("web-4")),
    ]
    summary = summarize(pods, NOW)
    assert summary.text() == "2/4 pods CrashLoopBackOff, 1 Unschedulable"
    assert summary.dominant == "CrashLoopBackOff"
    assert [r.name for r in summary.related()] == ["web-1", "web-2", "web-3"]


def test_a_remembered_pod_state_is_worked_out_again_once_its_crash_is_no_longer_recent() -> None:
    """pod_state is kept per pod object between analyses, but not past a time threshold."""
    raw = pod(
        "a",
        statuses=[
            cstatus(ready=False, restarts=5, state=running(5), last_state=terminated("Error", 1, ago=20))
        ],
    )
    same = view(raw)
    assert pod_state(same, NOW).label == "CrashLoopBackOff"
    assert pod_state(same, NOW + timedelta(minutes=5)).label == "CrashLoopBackOff"
    assert pod_state(same, NOW + timedelta(minutes=11)).label == "NotReady", "the crash is 11 min old now"


def test_a_young_pod_stops_being_starting_when_its_grace_ends() -> None:
    raw = pod("a", age=30, statuses=[cstatus(ready=False, state=waiting("ContainerCreating"))])
    same = view(raw)
    assert pod_state(same, NOW).starting
    assert not pod_state(same, NOW + timedelta(minutes=3)).starting
