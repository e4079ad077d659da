"""The CronJob controller: creates a Job at each scheduled minute and trims job history."""

from __future__ import annotations

import time

from kubemedic.sim.clock import format_ts, parse_ts
from kubemedic.sim.controllers.base import Context, Obj, Pace
from kubemedic.sim.controllers.job import finished
from kubemedic.sim.errors import ApiError
from kubemedic.sim.recorder import NORMAL, WARNING, Source
from kubemedic.sim.registry import owner_reference
from kubemedic.sim.store import Entry

SOURCE = Source("cronjob-controller")


def _field_matches(field: str, value: int) -> bool:
    for part in field.split(","):
        if part == "*":
            return True
        if part.startswith("*/") and part[2:].isdigit():
            if value % int(part[2:]) == 0:
                return True
        elif "-" in part:
            lo, _, hi = part.partition("-")
            if lo.isdigit() and hi.isdigit() and int(lo) <= value <= int(hi):
                return True
        elif part.isdigit() and int(part) == value:
            return True
    return False


def due(schedule: str, minute_epoch: int) -> bool:
    """Whether a five-field cron schedule fires in the UTC minute starting at `minute_epoch`."""
    aliases = {
        "@hourly": "0 * * * *",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *",
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
    }
    fields = aliases.get(schedule.strip(), schedule).split()
    if len(fields) != 5:
        return False
    t = time.gmtime(minute_epoch)
    values = (t.tm_min, t.tm_hour, t.tm_mday, t.tm_mon, (t.tm_wday + 1) % 7)
    return all(_field_matches(f, v) for f, v in zip(fields, values, strict=True))


class CronJobController:
    interval = 1.0

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pace = Pace(self.interval)

    def step(self, now: float) -> None:
        if not self.pace.due(now):
            return
        for cj in self.world.store.items("batch/cronjobs"):
            self.reconcile(cj, now)

    def reconcile(self, cj: Entry, now: float) -> None:
        spec = cj.obj.get("spec") or {}
        status: Obj = dict(cj.obj.get("status") or {})
        jobs = [
            j
            for rkey, j in self.world.store.dependents(str(cj.obj["metadata"]["uid"]))
            if rkey == "batch/jobs"
        ]
        minute = int(now // 60) * 60
        last = parse_ts(status.get("lastScheduleTime"))
        created = parse_ts(cj.obj["metadata"].get("creationTimestamp")) or now
        if (
            not spec.get("suspend")
            and due(str(spec.get("schedule", "")), minute)
            and (last is None or last < minute)
            and minute >= int(created // 60) * 60
        ):
            active = [j for j in jobs if finished(j.obj) is None]
            if not (active and spec.get("concurrencyPolicy") == "Forbid"):
                self._create_job(cj, minute)
                status["lastScheduleTime"] = format_ts(minute)
        done = [
            str((j.obj.get("status") or {}).get("completionTime"))
            for j in jobs
            if finished(j.obj) == "Complete"
        ]
        if done:
            status["lastSuccessfulTime"] = max(done)
        jobs = [
            j
            for rkey, j in self.world.store.dependents(str(cj.obj["metadata"]["uid"]))
            if rkey == "batch/jobs"
        ]
        status["active"] = [
            {
                "kind": "Job",
                "namespace": j.namespace,
                "name": j.name,
                "uid": j.obj["metadata"]["uid"],
                "apiVersion": "batch/v1",
                "resourceVersion": str(j.rv),
            }
            for j in jobs
            if finished(j.obj) is None
        ]
        if not status["active"]:
            del status["active"]
        self._trim(cj, jobs, "Complete", int(spec.get("successfulJobsHistoryLimit", 3)))
        self._trim(cj, jobs, "Failed", int(spec.get("failedJobsHistoryLimit", 1)))
        if status != cj.obj.get("status"):
            obj = cj.copy()
            obj["status"] = status
            self.world.save(obj)

    def _create_job(self, cj: Entry, minute: int) -> None:
        tpl = (cj.obj.get("spec") or {}).get("jobTemplate") or {}
        name = f"{cj.name}-{minute // 60}"
        body = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "name": name,
                "namespace": cj.namespace,
                "labels": dict((tpl.get("metadata") or {}).get("labels") or {}),
                "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": format_ts(minute)},
                "ownerReferences": [owner_reference(cj)],
            },
            "spec": dict(tpl.get("spec") or {}),
        }
        try:
            self.world.registry.create(self.world.kind("Job"), cj.namespace, body)
            self.ctx.recorder.emit(cj, NORMAL, "SuccessfulCreate", f"Created job {name}", SOURCE)
        except ApiError as err:
            self.ctx.recorder.emit(cj, WARNING, "FailedCreate", f"Error creating job: {err.message}", SOURCE)

    def _trim(self, cj: Entry, jobs: list[Entry], outcome: str, keep: int) -> None:
        done = sorted(
            (j for j in jobs if finished(j.obj) == outcome), key=lambda j: j.obj["metadata"]["name"]
        )
        for j in done[: max(len(done) - keep, 0)]:
            self.world.registry.delete(self.world.kind("Job"), j.namespace, j.name, propagation="Background")
            self.ctx.recorder.emit(cj, NORMAL, "SuccessfulDelete", f"Deleted job {j.name}", SOURCE)
