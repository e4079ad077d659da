"""Containers that keep crashing, and containers killed for memory.

Detects: containers waiting in CrashLoopBackOff; containers restarted several times in the last
minutes; the OOMKilled termination reason (the kernel killed the container at its memory limit),
also on a pod that is Ready again if it happened within the last hour.
Evidence: the last termination (reason, exit code and its meaning, when), the kubelet's BackOff
event, the container's memory limit, and the last line the previous instance logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from kubemedic.analyzers.containers.exit_codes import explain_exit
from kubemedic.analyzers.containers.grouping import Affected, group
from kubemedic.domain import Evidence, EvidenceSource, Finding, Severity
from kubemedic.state import ClusterState, ContainerStatus, Pod
from kubemedic.state.timeutil import parse_time

RECENT_S = 3600  # an OOM kill older than this, on a pod Ready since, is history
RECENT_RESTART_S = 900
MIN_RECENT_RESTARTS = 3


def analyze(state: ClusterState) -> Iterator[Finding]:
    items: list[tuple[Pod, ContainerStatus, str]] = []
    for pod in state.troubled_pods:
        if pod.is_finished:
            continue
        items.extend(_problems_of(state, pod))
    for key, affected in group(state, items):
        yield _oom(state, affected) if key == "oom" else _crash(state, affected)


def _problems_of(state: ClusterState, pod: Pod) -> list[tuple[Pod, ContainerStatus, str]]:
    # kept on the pod without the pod itself: a memo pointing back at its pod is a reference cycle
    found: list[tuple[ContainerStatus, str]] = pod.memo_until(
        "crash_loop", state.now, lambda: _pod_problems(state, pod)
    )
    return [(pod, status, key) for status, key in found]


def _pod_problems(state: ClusterState, pod: Pod) -> tuple[list[tuple[ContainerStatus, str]], datetime | None]:
    """The crash problems of one pod's containers, and when the answer may change by itself (a crash
    stops being recent): kept per pod object between analyses until then."""
    found: list[tuple[ContainerStatus, str]] = []
    moments: list[datetime] = []
    for status in pod.container_statuses:
        if status.init:
            continue
        key = _problem(state, status)
        if key:
            found.append((status, key))
        last = status.last_state if status.last_state.state == "terminated" else status.state
        finished = parse_time(last.finished_at)
        if finished is not None:
            moments += [
                finished + timedelta(seconds=RECENT_S),
                finished + timedelta(seconds=RECENT_RESTART_S),
            ]
    return found, min((m for m in moments if m > state.now), default=None)


def _problem(state: ClusterState, status: ContainerStatus) -> str:
    last = status.last_state if status.last_state.state == "terminated" else status.state
    looping = status.state.state == "waiting" and status.state.reason == "CrashLoopBackOff"
    finished = parse_time(last.finished_at)
    age = state.age_seconds(finished)
    if last.reason == "OOMKilled" and (looping or (age is not None and age <= RECENT_S)):
        return "oom"
    if looping:
        return f"crash:{last.exit_code}"
    recent = age is not None and age <= RECENT_RESTART_S
    if recent and status.restart_count >= MIN_RECENT_RESTARTS and last.state == "terminated":
        return f"crash:{last.exit_code}"
    return ""


def _termination(status: ContainerStatus) -> Evidence:
    last = status.last_state if status.last_state.state == "terminated" else status.state
    text = f"terminated: reason={last.reason or 'unknown'} exitCode={last.exit_code}"
    if last.finished_at:
        text += f" finishedAt={last.finished_at}"
    return Evidence(EvidenceSource.FIELD, text, location=f"status.containerStatuses[{status.name}].lastState")


def _common_evidence(state: ClusterState, affected: Affected) -> list[Evidence]:
    """The termination, plus the BackOff event and the last log line of whichever pod has them."""
    _, status = affected.first
    evidence = [_termination(status)]
    pairs = list(zip(affected.pods, affected.statuses, strict=True))
    for candidate, cstatus in pairs:
        event = state.latest_event(candidate, reasons=("BackOff",), field_path=cstatus.field_path)
        if event is not None:
            evidence.append(event.evidence())
            break
    for candidate, cstatus in pairs:
        line = last_log_line(state, candidate, cstatus.name)
        if line:
            evidence.append(line)
            break
    return evidence


def last_log_line(state: ClusterState, pod: Pod, container: str) -> Evidence | None:
    for previous in (True, False):
        text = state.logs(pod, container, previous=previous)
        if not text:
            continue
        lines = text.rstrip().splitlines()
        for offset, line in enumerate(reversed(lines)):
            if line.strip():
                number = len(lines) - offset
                suffix = ".previous" if previous else ""
                location = f"logs/{pod.namespace}/{pod.name}/{container}{suffix}.log:{number}"
                return Evidence(EvidenceSource.LOG, line.strip()[:500], location=location, object=pod.ref)
    return None


def _crash(state: ClusterState, affected: Affected) -> Finding:
    pod, status = affected.first
    last = status.last_state if status.last_state.state == "terminated" else status.state
    looping = status.state.reason == "CrashLoopBackOff"
    meaning = explain_exit(last.exit_code)
    code = f"exit code {last.exit_code}" if last.exit_code is not None else "no exit code"
    restarts = max(s.restart_count for s in affected.statuses)
    # One title for the whole loop: between two crashes the container runs for a while, and a title
    # that said so would change the finding's id - resolving and reopening it on every restart.
    return Finding.for_object(
        affected.subject,
        severity=Severity.ERROR,
        category="crash-loop",
        title=f"{status.name}: crash loop - {code}",
        message=(
            f"Container {status.name} of {affected.count_text()} keeps crashing ({restarts} restarts; "
            f"{'now in CrashLoopBackOff' if looping else 'running again for now'}); "
            f"the last run ended with {code}{f' ({last.reason})' if last.reason else ''}."
        ),
        root_cause=f"The container {meaning}.",
        evidence=_common_evidence(state, affected),
        remediation=(
            f"Read why it exits: `kubectl logs {pod.name} -n {pod.namespace} -c {status.name} --previous`. "
            "Fix the cause the log names (configuration, a dependency, the command); the kubelet keeps "
            "restarting it with growing back-off until then."
        ),
        related=affected.related,
    )


def _oom(state: ClusterState, affected: Affected) -> Finding:
    pod, status = affected.first
    spec = pod.container(status.name)
    limits = spec.resources.get("limits") if spec else None
    limit = str(limits.get("memory")) if isinstance(limits, dict) and limits.get("memory") else ""
    looping = status.state.reason == "CrashLoopBackOff"
    evidence = _common_evidence(state, affected)
    if limit:
        evidence.insert(
            1, Evidence.field(f"spec.containers[{status.name}].resources.limits.memory", limit, pod.ref)
        )
    limit_text = f"its memory limit of {limit}" if limit else "the node's available memory (no limit is set)"
    return Finding.for_object(
        affected.subject,
        severity=Severity.ERROR if looping or not pod.is_ready else Severity.WARNING,
        category="oom",
        title=f"{status.name}: OOMKilled",
        message=(
            f"Container {status.name} of {affected.count_text()} was killed by the kernel for using "
            "more memory "
            f"than {limit_text} ({status.restart_count} restarts)."
        ),
        root_cause=(
            f"The process needs more memory than {limit_text}: the limit is too low for its working set, "
            "or it leaks memory."
        ),
        evidence=evidence,
        remediation=(
            "Raise resources.limits.memory (and requests) to the peak the process really needs, e.g. "
            f"`kubectl set resources {affected.subject.kind.lower()}/{affected.subject.name} -n "
            f"{pod.namespace} "
            f"-c {status.name} --limits=memory=<more>`; if usage grows without bound, fix the leak "
            "(heap limits such as -Xmx or --max-old-space-size must stay below the container limit)."
        ),
        related=affected.related,
    )
