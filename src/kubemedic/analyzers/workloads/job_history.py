"""Job outcomes shared by the jobs and cronjobs analyzers: failed or not, and whether a CronJob recovered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kubemedic.state import ClusterState, ContainerState, KubeObject, LabelSelector, Pod
from kubemedic.state.timeutil import parse_time

JOB_NAME_LABELS = ("batch.kubernetes.io/job-name", "job-name")


@dataclass(frozen=True, slots=True)
class JobFailure:
    """A Job with condition Failed=True: its reason, the controller's message and when it failed."""

    job: KubeObject
    reason: str
    message: str
    failed_at: datetime | None


@dataclass(frozen=True, slots=True)
class CronJobFailure:
    """The newest failed Job of a CronJob that no later success has made history."""

    failure: JobFailure
    consecutive: int  # finished runs in a row that failed, newest backwards


@dataclass(frozen=True, slots=True)
class FailedContainer:
    """The container that made a job's pod fail, with its terminated state."""

    pod: Pod
    container: str
    state: ContainerState


def job_failure(job: KubeObject) -> JobFailure | None:
    cond = job.condition("Failed")
    if cond is None or not cond.is_true:
        return None
    when = parse_time(cond.last_transition) or parse_time(job.status.get("completionTime")) or job.created
    return JobFailure(job, cond.reason or "Failed", cond.message, when)


def is_complete(job: KubeObject) -> bool:
    cond = job.condition("Complete")
    return cond is not None and cond.is_true


def _started(job: KubeObject) -> float:
    when = parse_time(job.status.get("startTime")) or job.created
    return when.timestamp() if when else 0.0


def cronjob_failure(state: ClusterState, cronjob: KubeObject) -> CronJobFailure | None:
    """The newest failed Job of the CronJob, unless a Job started later succeeded or lastSuccessfulTime
    is after the failure (the CronJob recovered)."""
    jobs = sorted(state.children(cronjob, "Job"), key=lambda j: (_started(j), j.name), reverse=True)
    finished = [(job, job_failure(job)) for job in jobs if is_complete(job) or job_failure(job)]
    if not finished or finished[0][1] is None:
        return None
    newest = finished[0][1]
    last_success = parse_time(cronjob.status.get("lastSuccessfulTime"))
    if last_success is not None and newest.failed_at is not None and last_success >= newest.failed_at:
        return None
    consecutive = 0
    for _, failure in finished:
        if failure is None:
            break
        consecutive += 1
    return CronJobFailure(newest, consecutive)


def job_pods(state: ClusterState, job: KubeObject) -> list[Pod]:
    """Pods of a Job by owner reference, else by the job-name label the Job controller sets."""
    pods = state.pods_of(job)
    if pods:
        return pods
    for label in JOB_NAME_LABELS:
        pods = state.select_pods(job.namespace, LabelSelector(((label, job.name),)))
        if pods:
            return pods
    return []


def failed_container(pods: list[Pod]) -> FailedContainer | None:
    """The newest pod's container that terminated with a non-zero exit code (state, else lastState)."""
    for pod in sorted(
        pods, key=lambda p: (p.created.timestamp() if p.created else 0.0, p.name), reverse=True
    ):
        for status in pod.container_statuses:
            for state in (status.state, status.last_state):
                if state.state == "terminated" and state.exit_code not in (None, 0):
                    return FailedContainer(pod, status.name, state)
    return None
