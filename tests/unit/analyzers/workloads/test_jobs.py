from __future__ import annotations

from kubemedic.analyzers.workloads import jobs
from kubemedic.domain import EvidenceSource, Finding, Severity
from tests.factory import (
    Obj,
    condition,
    cronjob,
    cstatus,
    job,
    job_complete,
    job_failed,
    pod,
    state,
    terminated,
)

LOGS = {("default", "migrate-x2k9p", "app"): 'connecting\nERROR: relation "users" does not exist\n\n'}


def failed_pod(j: Obj, name: str = "migrate-x2k9p", code: int = 1, age: float = 700) -> Obj:
    return pod(
        name,
        owner=j,
        labels={"job-name": j["metadata"]["name"]},
        phase="Failed",
        ready=False,
        age=age,
        statuses=[cstatus(ready=False, state=terminated("Error", code))],
    )


def run(*objs: Obj | list[Obj], logs: dict[tuple[str, str, str], str] | None = None) -> list[Finding]:
    return list(jobs.analyze(state(*objs, logs=logs)))  # type: ignore[arg-type]


def test_backoff_limit_exceeded_names_pod_exit_code_and_last_log_line() -> None:
    j = job("migrate", failed=3, backoff_limit=2, conditions=job_failed())
    findings = run(j, failed_pod(j), logs=LOGS)

    assert len(findings) == 1
    f = findings[0]
    assert (f.object.kind, f.category, f.severity) == ("Job", "job", Severity.ERROR)
    assert f.title == "migrate: failed - BackoffLimitExceeded"
    assert f.root_cause == (
        "Its pods failed 3 time(s) and reached backoffLimit 2; the last failure: pod migrate-x2k9p "
        "container app exited with code 1 (Error)."
    )
    texts = [e.text for e in f.evidence]
    assert (
        texts[0]
        == "status.conditions[Failed]: BackoffLimitExceeded: Job has reached the specified backoff limit"
    )
    assert "status.containerStatuses[app].state.terminated: exited with code 1 (Error)" in texts
    log = [e for e in f.evidence if e.source == EvidenceSource.LOG]
    assert log and log[0].text == 'ERROR: relation "users" does not exist'
    assert "kubectl logs migrate-x2k9p -n default -c app" in f.remediation


def test_deadline_exceeded_explains_active_deadline() -> None:
    j = job(
        "report",
        conditions=job_failed("DeadlineExceeded", "Job was active longer than specified deadline"),
    )
    j["spec"]["activeDeadlineSeconds"] = 900
    f = run(j)[0]
    assert f.title == "report: failed - DeadlineExceeded"
    assert "activeDeadlineSeconds (900s)" in f.root_cause
    assert "raise spec.activeDeadlineSeconds" in f.remediation


def test_old_standalone_failure_is_only_a_warning() -> None:
    j = job(
        "migrate", conditions=[condition("Failed", True, "BackoffLimitExceeded", "limit", ago=3 * 86_400)]
    )
    assert run(j)[0].severity == Severity.WARNING


def test_cronjob_failure_is_reported_on_the_cronjob_with_consecutive_runs() -> None:
    cj = cronjob("nightly", last_success_ago=3 * 86_400, last_schedule_ago=600)
    older = job("nightly-100", owner=cj, conditions=job_failed(), age=86_400)
    newest = job("nightly-200", owner=cj, conditions=job_failed(), age=700)
    findings = run(cj, older, newest, failed_pod(newest, "nightly-200-abcde", code=2))

    assert len(findings) == 1
    f = findings[0]
    assert (f.object.kind, f.object.name) == ("CronJob", "nightly")
    assert f.title == "nightly: job failed - BackoffLimitExceeded"
    assert "The last 2 runs failed." in f.message
    assert [(r.kind, r.name) for r in f.related] == [("Job", "nightly-200"), ("Pod", "nightly-200-abcde")]
    assert "kubectl create job nightly-manual --from=cronjob/nightly" in f.remediation


def test_healthy_lookalikes_are_quiet() -> None:
    complete = job("done", succeeded=1, conditions=job_complete())
    running = job("busy", active=1, age=60)
    recovered = cronjob("hourly", last_success_ago=60)  # success after the failure 600 s ago
    old_failure = job("hourly-1", owner=recovered, conditions=job_failed(), age=4000)
    later_success = cronjob("sync", last_success_ago=None)
    sync_failed = job("sync-1", owner=later_success, conditions=job_failed(), age=4000)
    sync_ok = job("sync-2", owner=later_success, succeeded=1, conditions=job_complete(), age=300)
    assert run(complete, running, recovered, old_failure, later_success, sync_failed, sync_ok) == []
