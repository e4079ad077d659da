"""CronJobs that do not run, or run without ever succeeding.

Detects: a suspended CronJob (info); a CronJob the controller reports it missed start times for
(FailedNeedsStart / TooManyMissedTimes / MissSchedule events); a CronJob with a simple schedule
not scheduled for several times its interval; a CronJob whose last successful run is several
schedules older than its last run, when the failed Jobs themselves are gone (failed Jobs still
present are the jobs analyzer's).
Evidence: spec.suspend, the controller's event, status.lastScheduleTime/lastSuccessfulTime.
Quiet: schedules we cannot read, runs still active, a CronJob that ran after the event.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from kubemedic.analyzers.workloads.cron_schedule import max_interval_seconds
from kubemedic.analyzers.workloads.fields import kubectl_ns
from kubemedic.analyzers.workloads.job_history import cronjob_failure
from kubemedic.domain import Evidence, Finding, Severity
from kubemedic.state import ClusterState, KubeObject, as_list
from kubemedic.state.timeutil import human_duration, parse_time

_TOO_MANY_MISSED = (
    "The controller missed more than 100 start times (kube-controller-manager was down or the clock "
    "jumped) and stops starting Jobs unless spec.startingDeadlineSeconds limits how far back it looks."
)
MISSED_START_REASONS: dict[str, str] = {
    "FailedNeedsStart": _TOO_MANY_MISSED,
    "TooManyMissedTimes": _TOO_MANY_MISSED,
    "MissSchedule": (
        "A scheduled run was missed and is past spec.startingDeadlineSeconds, so it was skipped "
        "(kube-controller-manager busy or down, or concurrencyPolicy Forbid with a run still active)."
    ),
}
LATE_FACTOR = 3
LATE_SLACK_SECONDS = 300
NO_SUCCESS_RUNS = 3

TITLE_SUSPENDED = "{name}: suspended"
TITLE_MISSED = "{name}: missed scheduled runs"
TITLE_LATE = "{name}: not scheduled as expected"
TITLE_NO_SUCCESS = "{name}: no successful run in recent schedules"

MSG_SUSPENDED = "Suspended: schedule {schedule} creates no Jobs."
MSG_LATE = "No Job started for {since}; schedule {schedule} runs at least every {interval}."
MSG_NO_SUCCESS = "Last success {success}, last run {run}."
ROOT_SUSPENDED = "spec.suspend is true, so no new Jobs are created until it is resumed."
ROOT_LATE = (
    "Schedule {schedule} should start a Job at least every {interval}, but the last one started {since} ago: "
    "the cronjob controller is not creating Jobs (kube-controller-manager down, or every run is skipped)."
)
ROOT_NO_SUCCESS = (
    "Runs keep starting but none has succeeded for {span} (about {runs} schedules); the failed Jobs are "
    "already cleaned up (failedJobsHistoryLimit), so their pods' logs are gone."
)
FIX_SUSPENDED = (
    'If that is not intended: `kubectl patch cronjob {name}{ns} -p \'{{"spec":{{"suspend":false}}}}\'`.'
)
FIX_MISSED = (
    "Set spec.startingDeadlineSeconds (e.g. 200) and check kube-controller-manager; "
    "`kubectl describe cronjob {name}{ns}`."
)
FIX_LATE = "Check kube-controller-manager and the CronJob's events: `kubectl describe cronjob {name}{ns}`."
FIX_NO_SUCCESS = (
    "Run it once by hand to see why it fails: `kubectl create job {name}-debug --from=cronjob/{name}{ns}`, "
    "and raise failedJobsHistoryLimit to keep failed runs for inspection."
)


def analyze(state: ClusterState) -> Iterator[Finding]:
    for cronjob in state.objects("CronJob"):
        ns = kubectl_ns(cronjob.namespace)
        if cronjob.spec.get("suspend") is True:
            yield Finding.for_object(
                cronjob,
                severity=Severity.INFO,
                category="job",
                title=TITLE_SUSPENDED.format(name=cronjob.name),
                message=MSG_SUSPENDED.format(schedule=cronjob.spec.get("schedule", "")),
                root_cause=ROOT_SUSPENDED,
                evidence=[Evidence.field("spec.suspend", "true", cronjob.ref)],
                remediation=FIX_SUSPENDED.format(name=cronjob.name, ns=ns),
            )
            continue
        missed = _missed_start(state, cronjob, ns)
        if missed is not None:
            yield missed
        else:
            yield from _late(state, cronjob, ns)
        yield from _no_success(state, cronjob, ns)


def _missed_start(state: ClusterState, cronjob: KubeObject, ns: str) -> Finding | None:
    event = state.latest_event(cronjob, reasons=MISSED_START_REASONS)
    if event is None:
        return None
    last_schedule = parse_time(cronjob.status.get("lastScheduleTime"))
    seen = event.last_seen
    if last_schedule is not None and seen is not None and last_schedule > seen:
        return None  # it ran again after the event
    return Finding.for_object(
        cronjob,
        severity=Severity.WARNING,
        category="job",
        title=TITLE_MISSED.format(name=cronjob.name),
        message=f"The cronjob controller reports {event.reason}: {event.message}",
        root_cause=MISSED_START_REASONS[event.reason],
        evidence=[event.evidence()],
        remediation=FIX_MISSED.format(name=cronjob.name, ns=ns),
    )


def _late(state: ClusterState, cronjob: KubeObject, ns: str) -> Iterator[Finding]:
    schedule = str(cronjob.spec.get("schedule") or "")
    interval = max_interval_seconds(schedule)
    if interval is None or as_list(cronjob.status.get("active")):
        return
    raw_last = cronjob.status.get("lastScheduleTime")
    last = parse_time(raw_last) or cronjob.created
    since = state.age_seconds(last)
    if since is None or since < max(LATE_FACTOR * interval, interval + LATE_SLACK_SECONDS):
        return
    where = "status.lastScheduleTime" if raw_last else "metadata.creationTimestamp"
    yield Finding.for_object(
        cronjob,
        severity=Severity.WARNING,
        category="job",
        title=TITLE_LATE.format(name=cronjob.name),
        message=MSG_LATE.format(since=_human(since), schedule=schedule, interval=_human(interval)),
        root_cause=ROOT_LATE.format(schedule=schedule, interval=_human(interval), since=_human(since)),
        evidence=[
            Evidence.field(where, str(raw_last or cronjob.metadata.get("creationTimestamp")), cronjob.ref)
        ],
        remediation=FIX_LATE.format(name=cronjob.name, ns=ns),
    )


def _no_success(state: ClusterState, cronjob: KubeObject, ns: str) -> Iterator[Finding]:
    interval = max_interval_seconds(str(cronjob.spec.get("schedule") or ""))
    status = cronjob.status
    last_schedule = parse_time(status.get("lastScheduleTime"))
    last_success = parse_time(status.get("lastSuccessfulTime"))
    if interval is None or last_schedule is None or last_success is None or as_list(status.get("active")):
        return
    span = (last_schedule - last_success).total_seconds()
    if span < NO_SUCCESS_RUNS * interval or cronjob_failure(state, cronjob) is not None:
        return
    yield Finding.for_object(
        cronjob,
        severity=Severity.ERROR,
        category="job",
        title=TITLE_NO_SUCCESS.format(name=cronjob.name),
        message=MSG_NO_SUCCESS.format(
            success=status.get("lastSuccessfulTime"), run=status.get("lastScheduleTime")
        ),
        root_cause=ROOT_NO_SUCCESS.format(span=_human(span), runs=int(span // interval)),
        evidence=[
            Evidence.field("status.lastSuccessfulTime", str(status.get("lastSuccessfulTime")), cronjob.ref),
            Evidence.field("status.lastScheduleTime", str(status.get("lastScheduleTime")), cronjob.ref),
        ],
        remediation=FIX_NO_SUCCESS.format(name=cronjob.name, ns=ns),
    )


def _human(seconds: float) -> str:
    return human_duration(timedelta(seconds=seconds))
