from __future__ import annotations

import pytest

from kubemedic.analyzers.workloads import cronjobs
from kubemedic.analyzers.workloads.cron_schedule import max_interval_seconds
from kubemedic.domain import Finding, Severity
from tests.factory import Obj, cronjob, event, job, job_failed, state


def run(*objs: Obj | list[Obj]) -> list[Finding]:
    return list(cronjobs.analyze(state(*objs)))


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ("*/5 * * * *", 300),
        ("* * * * *", 60),
        ("0 * * * *", 3600),
        ("0,30 * * * *", 1800),
        ("*/7 * * * *", 420),
        ("0 3 * * *", 86_400),
        ("0 */6 * * *", 21_600),
        ("CRON_TZ=Europe/Paris 0 3 * * *", 86_400),
        ("@hourly", 3600),
        ("@daily", 86_400),
        ("@every 1h30m", 5400),
        ("0 3 * * 1", None),
        ("0 3 1 * *", None),
        ("0-10 * * * *", None),
        ("not a schedule", None),
    ],
)
def test_schedule_intervals(schedule: str, seconds: int | None) -> None:
    assert max_interval_seconds(schedule) == seconds


def test_suspended_cronjob_is_info() -> None:
    f = run(cronjob("backup", suspend=True, last_schedule_ago=90_000))
    assert [(x.severity, x.title) for x in f] == [(Severity.INFO, "backup: suspended")]
    assert f[0].evidence[0].text == "spec.suspend: true"


def test_cronjob_not_scheduled_for_three_intervals_is_late() -> None:
    f = run(cronjob("sync", schedule="*/5 * * * *", last_schedule_ago=3600, last_success_ago=3600))
    assert [(x.severity, x.title) for x in f] == [(Severity.WARNING, "sync: not scheduled as expected")]
    assert f[0].message == "No Job started for 1h; schedule */5 * * * * runs at least every 5m."
    assert f[0].evidence[0].location == "status.lastScheduleTime"


def test_missed_start_event_is_quoted_instead_of_the_generic_late_finding() -> None:
    cj = cronjob("sync", schedule="*/5 * * * *", last_schedule_ago=50_000, last_success_ago=50_000)
    msg = (
        "Cannot determine if job needs to be started: too many missed start time (> 100). "
        "Set or decrease .spec.startingDeadlineSeconds or check clock skew"
    )
    f = run(cj, event(cj, "FailedNeedsStart", msg, component="cronjob-controller", count=30))
    assert [x.title for x in f] == ["sync: missed scheduled runs"]
    assert f[0].evidence[0].text == msg
    assert "startingDeadlineSeconds" in f[0].root_cause


def test_runs_without_success_when_failed_jobs_are_gone() -> None:
    f = run(cronjob("sync", schedule="@hourly", last_schedule_ago=600, last_success_ago=6 * 3600))
    assert [(x.severity, x.title) for x in f] == [
        (Severity.ERROR, "sync: no successful run in recent schedules")
    ]
    assert "about 5 schedules" in f[0].root_cause


def test_healthy_lookalikes_are_quiet() -> None:
    regular = cronjob("sync", schedule="*/5 * * * *", last_schedule_ago=120, last_success_ago=120)
    daily = cronjob("report", schedule="0 3 * * *", last_schedule_ago=40_000, last_success_ago=40_000)
    complex_schedule = cronjob("weekly", schedule="0 3 * * 1", last_schedule_ago=500_000)
    ran_after_event = cronjob("late", last_schedule_ago=60, last_success_ago=60)
    old_event = event(ran_after_event, "MissSchedule", "Missed scheduled time to start a job", ago=900)
    assert run(regular, daily, complex_schedule, ran_after_event, old_event) == []


def test_failed_job_still_present_is_left_to_the_jobs_analyzer() -> None:
    cj = cronjob("sync", schedule="@hourly", last_schedule_ago=600, last_success_ago=6 * 3600)
    assert run(cj, job("sync-9", owner=cj, conditions=job_failed(), age=700)) == []
