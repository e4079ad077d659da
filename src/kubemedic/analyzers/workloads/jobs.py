"""Jobs that failed, and CronJobs whose latest run failed.

Detects: condition Failed=True with reason BackoffLimitExceeded, DeadlineExceeded,
PodFailurePolicy (or any other), naming the pod and container that failed and its exit code.
A Job owned by a CronJob is reported on the CronJob (the thing people fix), only for its newest
failed run, and only if no later run succeeded.
Evidence: the Failed condition message, the failed container's terminated state, and the last
line of its log when the snapshot has it.
Quiet: complete or running Jobs, CronJob failures older than the CronJob's latest success.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.analyzers.workloads.fields import int_field, kubectl_ns
from kubemedic.analyzers.workloads.job_history import (
    FailedContainer,
    JobFailure,
    cronjob_failure,
    failed_container,
    job_failure,
    job_pods,
)
from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject

RECENT_FAILURE_SECONDS = 86_400
SEVERITY_RECENT = Severity.ERROR
SEVERITY_OLD = Severity.WARNING
MAX_LOG_LINE = 300

TITLE_JOB = "{name}: failed - {reason}"
TITLE_CRONJOB = "{name}: job failed - {reason}"

ROOT_BY_REASON: dict[str, str] = {
    "BackoffLimitExceeded": "Its pods failed {failed} time(s) and reached backoffLimit {limit}{last}.",
    "DeadlineExceeded": (
        "It ran longer than activeDeadlineSeconds ({deadline}s), "
        "so the Job controller stopped its pods{last}."
    ),
    "PodFailurePolicy": "A podFailurePolicy rule ended the Job{last}: {message}",
}
ROOT_DEFAULT = "The Job failed{last}: {message}"
FIX_BY_REASON: dict[str, str] = {
    "DeadlineExceeded": "Find out why it is slow ({logs}) or raise spec.activeDeadlineSeconds.",
}
FIX_DEFAULT = "Read why the container failed ({logs}), fix it, then re-run the Job."
FIX_CRONJOB_RERUN = " Re-run now with `kubectl create job {name}-manual --from=cronjob/{name}{ns}`."


def analyze(state: ClusterState) -> Iterator[Finding]:
    for job in state.objects("Job"):
        owner = state.owner(job)
        if owner is not None and owner.kind == "CronJob":
            continue
        failure = job_failure(job)
        if failure is not None:
            yield _finding(state, job, failure, TITLE_JOB, consecutive=0)
    for cronjob in state.objects("CronJob"):
        found = cronjob_failure(state, cronjob)
        if found is not None:
            yield _finding(state, cronjob, found.failure, TITLE_CRONJOB, consecutive=found.consecutive)


def _finding(
    state: ClusterState, subject: KubeObject, failure: JobFailure, title: str, consecutive: int
) -> Finding:
    job = failure.job
    ns = kubectl_ns(job.namespace)
    culprit = failed_container(job_pods(state, job))
    evidence = [Evidence.field("status.conditions[Failed]", f"{failure.reason}: {failure.message}", job.ref)]
    related: list[ObjectRef] = [job.ref] if subject is not job else []
    last = ""
    logs = f"`kubectl logs job/{job.name}{ns}`"
    if culprit is not None:
        last = f"; the last failure: pod {culprit.pod.name} container {culprit.container} {_exit(culprit)}"
        evidence.append(_exit_evidence(culprit))
        line = _last_log_line(state, culprit)
        if line:
            evidence.append(Evidence.log(line, f"{culprit.pod.name}/{culprit.container}", culprit.pod.ref))
        related.append(culprit.pod.ref)
        logs = f"`kubectl logs {culprit.pod.name}{ns} -c {culprit.container}`"
    root = ROOT_BY_REASON.get(failure.reason, ROOT_DEFAULT).format(
        failed=int_field(job.status, "failed"),
        limit=int_field(job.spec, "backoffLimit", 6),
        deadline=int_field(job.spec, "activeDeadlineSeconds"),
        last=last,
        message=failure.message,
    )
    fix = FIX_BY_REASON.get(failure.reason, FIX_DEFAULT).format(logs=logs)
    message = f"Job {job.name} failed ({failure.reason}): {failure.message}"
    if subject.kind == "CronJob":
        fix += FIX_CRONJOB_RERUN.format(name=subject.name, ns=ns)
        if consecutive > 1:
            message += f" The last {consecutive} runs failed."
    age = state.age_seconds(failure.failed_at)
    recent = age is None or age < RECENT_FAILURE_SECONDS
    return Finding.for_object(
        subject,
        severity=SEVERITY_RECENT if recent else SEVERITY_OLD,
        category="job",
        title=title.format(name=subject.name, reason=failure.reason),
        message=message,
        root_cause=root,
        evidence=evidence,
        remediation=fix,
        related=related,
    )


def _exit(culprit: FailedContainer) -> str:
    st = culprit.state
    return f"exited with code {st.exit_code}" + (f" ({st.reason})" if st.reason else "")


def _exit_evidence(culprit: FailedContainer) -> Evidence:
    return Evidence.field(
        f"status.containerStatuses[{culprit.container}].state.terminated", _exit(culprit), culprit.pod.ref
    )


def _last_log_line(state: ClusterState, culprit: FailedContainer) -> str:
    for previous in (False, True):
        text = state.logs(culprit.pod, culprit.container, previous=previous)
        if text:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines:
                return lines[-1][:MAX_LOG_LINE]
    return ""
