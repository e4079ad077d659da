"""What a workload's pods are doing, in the words `kubectl get pods` uses, summarized for a finding.

Workload analyzers say *why* a controller lacks replicas by pointing at its pods: "3/3 pods
CrashLoopBackOff". Pods seconds old that are still being created are not counted as failing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kubemedic.domain import Evidence, ObjectRef
from kubemedic.state import ContainerState, ContainerStatus, Pod
from kubemedic.state.timeutil import parse_time

# Pods younger than this in a normal start-up state are "starting", not failing.
STARTUP_GRACE_SECONDS = 120
# Labels a young pod may show while it starts normally (image pulls included).
STARTUP_LABELS = frozenset(
    {
        "Pending",
        "Unschedulable",
        "ContainerCreating",
        "PodInitializing",
        "ErrImagePull",
        "ImagePullBackOff",
        "Init:ContainerCreating",
        "Init:PodInitializing",
        "Init:ErrImagePull",
        "Init:ImagePullBackOff",
        "Init:Running",
        "NotReady",
        "Terminating",
    }
)
MAX_RELATED_PODS = 10
CRASH_LOOP = "CrashLoopBackOff"
# A not-ready container that crashed this recently is crash-looping, even while it runs for a moment.
RECENT_CRASH_SECONDS = 600


@dataclass(frozen=True, slots=True)
class PodState:
    """One pod's status: a short label (`CrashLoopBackOff`), a detail and the field that shows it."""

    pod: Pod
    label: str
    detail: str = ""
    evidence: Evidence | None = None
    healthy: bool = False
    starting: bool = False

    @property
    def failing(self) -> bool:
        return not self.healthy and not self.starting

    def describe(self) -> str:
        return f"{self.pod.name}: {self.label}" + (f" ({self.detail})" if self.detail else "")


def pod_state(pod: Pod, now: datetime) -> PodState:
    """Classify a pod the way an SRE reads `kubectl get pods`, worst container first.

    Worked out once per pod object and kept until a time threshold could change the answer (the
    startup grace ends, a crash stops being recent): a Deployment's summary reads all its pods on
    every analysis, and most of them have not changed."""
    label, detail, evidence, healthy, starting = pod.memo_until(
        "pod_state", now, lambda: (_reading(_pod_state(pod, now)), _changes_at(pod, now))
    )
    return PodState(pod, label, detail, evidence, healthy, starting)


def _reading(state: PodState) -> tuple[str, str, Evidence | None, bool, bool]:
    """A PodState without its pod, as kept on the pod: a memo that pointed back at the pod would make
    a reference cycle, and every replaced pod view would then wait for the cyclic garbage collector
    instead of being freed at once (serve freezes long-lived objects; see service/gc_schedule.py)."""
    return state.label, state.detail, state.evidence, state.healthy, state.starting


def _changes_at(pod: Pod, now: datetime) -> datetime | None:
    """The first moment after `now` at which `_pod_state` could answer otherwise for the same pod."""
    moments: list[datetime] = []
    created = pod.created
    if created is not None:
        moments.append(created + timedelta(seconds=STARTUP_GRACE_SECONDS))
    for status in pod.container_statuses:
        finished = (
            parse_time(status.last_state.finished_at) if status.last_state.state == "terminated" else None
        )
        if finished is not None:
            moments.append(finished + timedelta(seconds=RECENT_CRASH_SECONDS))
    return min((m for m in moments if m > now), default=None)


def _pod_state(pod: Pod, now: datetime) -> PodState:
    if pod.plainly_healthy:  # most pods: the cheap check on the raw object says all there is
        return PodState(pod, "Ready", healthy=True)
    state = _classify(pod, now)
    if state.healthy:
        return state
    created = pod.created
    young = created is not None and (now - created).total_seconds() < STARTUP_GRACE_SECONDS
    if young and state.label in STARTUP_LABELS:
        return PodState(pod, state.label, state.detail, state.evidence, starting=True)
    return state


def _classify(pod: Pod, now: datetime) -> PodState:
    if pod.phase == "Succeeded":
        return PodState(pod, "Completed", healthy=True)
    if pod.deletion_timestamp is not None:
        return PodState(pod, "Terminating")
    for status in pod.container_statuses:
        found = _container_problem(pod, status, now)
        if found is not None:
            return found
    if pod.phase == "Failed":
        label = pod.reason or "Failed"
        message = str(pod.status.get("message") or "")
        return PodState(pod, label, message, Evidence.field("status.reason", label, pod.ref))
    if pod.phase == "Pending" or not pod.phase:
        return _pending(pod)
    if pod.is_ready:
        return PodState(pod, "Ready", healthy=True)
    unready = [s.name for s in pod.container_statuses if not s.init and not s.ready]
    detail = f"container {', '.join(unready)} not ready" if unready else ""
    return PodState(pod, "NotReady", detail, Evidence.field("status.conditions[Ready]", "False", pod.ref))


def _container_problem(pod: Pod, status: ContainerStatus, now: datetime) -> PodState | None:
    prefix = "Init:" if status.init else ""
    where = f"status.{'initContainerStatuses' if status.init else 'containerStatuses'}[{status.name}]"
    current, last = status.state, status.last_state
    if current.state == "waiting" and current.reason:
        detail = _exit_detail(last.exit_code, last.reason) if last.state == "terminated" else current.message
        label = prefix + current.reason
        value = current.reason + (f" ({detail})" if detail else "")
        return PodState(pod, label, detail, Evidence.field(f"{where}.state.waiting.reason", value, pod.ref))
    restarts = pod.spec.get("restartPolicy", "Always") != "Never" and status.restart_count > 0
    if current.state == "terminated" and current.exit_code not in (None, 0):
        detail = _exit_detail(current.exit_code, current.reason)
        label = prefix + (CRASH_LOOP if restarts else current.reason or "Error")
        return PodState(pod, label, detail, Evidence.field(f"{where}.state.terminated", detail, pod.ref))
    if current.state == "running" and not status.ready and restarts and _crashed_recently(last, now):
        # Between two crashes a crash-looping container runs briefly: same problem, same label.
        detail = _exit_detail(last.exit_code, last.reason)
        value = f"restarted {status.restart_count} times, last {detail}"
        evidence = Evidence.field(f"{where}.lastState.terminated", value, pod.ref)
        return PodState(pod, prefix + CRASH_LOOP, detail, evidence)
    if status.init and current.state == "running" and pod.phase == "Pending":
        return PodState(pod, "Init:Running", f"init container {status.name} still running")
    return None


def _crashed_recently(state: ContainerState, now: datetime) -> bool:
    if state.state != "terminated" or state.exit_code in (None, 0):
        return False
    finished = parse_time(state.finished_at)
    return finished is not None and (now - finished).total_seconds() < RECENT_CRASH_SECONDS


def _pending(pod: Pod) -> PodState:
    scheduled = pod.condition("PodScheduled")
    if scheduled is not None and scheduled.status == "False":
        message = scheduled.message or scheduled.reason
        evidence = Evidence.field("status.conditions[PodScheduled]", message, pod.ref)
        return PodState(pod, "Unschedulable", message, evidence)
    return PodState(pod, "Pending", "", Evidence.field("status.phase", "Pending", pod.ref))


def _exit_detail(code: int | None, reason: str) -> str:
    if code is None:
        return reason
    return f"exit code {code}" + (f", {reason}" if reason and reason != "Error" else "")


@dataclass(frozen=True, slots=True)
class PodSummary:
    """The failing pods of one workload and how to say it."""

    total: int
    failing: tuple[PodState, ...]
    starting: tuple[PodState, ...]

    @property
    def dominant(self) -> str:
        """The most common failing label (ties: alphabetical), "" when no pod fails."""
        if not self.failing:
            return ""
        counts = Counter(s.label for s in self.failing)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    def text(self) -> str:
        """`3/3 pods CrashLoopBackOff` or `2/5 pods CrashLoopBackOff, 1 Unschedulable`."""
        if not self.failing:
            return f"no failing pods (of {self.total})"
        counts = sorted(Counter(s.label for s in self.failing).items(), key=lambda kv: (-kv[1], kv[0]))
        first_label, first_n = counts[0]
        parts = [f"{first_n}/{self.total} pod{'s' if self.total != 1 else ''} {first_label}"]
        parts += [f"{n} {label}" for label, n in counts[1:]]
        return ", ".join(parts)

    def examples(self, limit: int = 3) -> str:
        """`web-abc: CrashLoopBackOff (exit code 137, OOMKilled); ...` for the first few failing pods."""
        return "; ".join(s.describe() for s in self.failing[:limit])

    def related(self) -> tuple[ObjectRef, ...]:
        return tuple(s.pod.ref for s in self.failing[:MAX_RELATED_PODS])

    def evidence(self, limit: int = 3) -> tuple[Evidence, ...]:
        """One piece of evidence per distinct failure text (30 identical crash loops are one fact)."""
        seen: dict[str, Evidence] = {}
        for state in self.failing:
            if state.evidence is not None and state.evidence.text not in seen:
                seen[state.evidence.text] = state.evidence
                if len(seen) == limit:
                    break
        return tuple(seen.values())


def summarize(pods: Iterable[Pod], now: datetime) -> PodSummary:
    """Classify pods (sorted by name, so output is stable) and keep the failing and starting ones.

    A plainly healthy pod is neither (its state is Ready), so only the others are classified and
    sorted: a workload's summary costs what its unhealthy pods cost."""
    pods = list(pods)
    unhealthy = sorted((p for p in pods if not p.plainly_healthy), key=lambda p: p.name)
    states: Sequence[PodState] = [pod_state(p, now) for p in unhealthy]
    return PodSummary(
        total=len(pods),
        failing=tuple(s for s in states if s.failing),
        starting=tuple(s for s in states if s.starting),
    )
