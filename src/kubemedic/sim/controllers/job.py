"""The Job controller: runs pods to completion, counts failures against backoffLimit and the deadline."""

from __future__ import annotations

from kubemedic.sim.clock import parse_ts
from kubemedic.sim.controllers.base import Context, Obj, Pace, condition, is_pod_ready
from kubemedic.sim.controllers.podfactory import create_pod, pod_from_template
from kubemedic.sim.recorder import NORMAL, WARNING, Source
from kubemedic.sim.store import Entry

SOURCE = Source("job-controller")


def finished(job: Obj) -> str | None:
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return str(c["type"])
    return None


class JobController:
    interval = 0.5
    retry_delay = 2.0

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pace = Pace(self.interval)
        self.failures_seen: dict[str, int] = {}
        self.backoff_until: dict[str, float] = {}

    def step(self, now: float) -> None:
        if not self.pace.due(now):
            return
        for job in self.world.store.items("batch/jobs"):
            if finished(job.obj) is None and not (job.obj.get("spec") or {}).get("suspend"):
                self.reconcile(job, now)

    def reconcile(self, job: Entry, now: float) -> None:
        spec = job.obj.get("spec") or {}
        uid = str(job.obj["metadata"]["uid"])
        pods = [p for rkey, p in self.world.store.dependents(uid) if rkey == "/pods"]
        phases = [(p.obj.get("status") or {}).get("phase") for p in pods]
        succeeded = phases.count("Succeeded")
        failed = phases.count("Failed")
        active = [
            p
            for p, ph in zip(pods, phases, strict=True)
            if ph not in ("Succeeded", "Failed") and not p.obj["metadata"].get("deletionTimestamp")
        ]
        completions = int(spec.get("completions", 1))
        parallelism = int(spec.get("parallelism", 1))
        backoff = int(spec.get("backoffLimit", 6))
        stamp = self.world.clock.stamp()
        status: Obj = dict(job.obj.get("status") or {})
        status.setdefault("startTime", stamp)
        start = parse_ts(status["startTime"]) or now
        deadline = spec.get("activeDeadlineSeconds")
        outcome: tuple[str, str, str] | None = None
        if succeeded >= completions:
            outcome = ("Complete", "CompletionsReached", "Reached expected number of succeeded pods")
        elif failed > backoff:
            outcome = ("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
        elif deadline is not None and now - start > float(deadline):
            outcome = ("Failed", "DeadlineExceeded", "Job was active longer than specified deadline")
        if outcome is None:
            missing = min(parallelism, completions - succeeded) - len(active)
            if failed > self.failures_seen.get(uid, 0):
                self.failures_seen[uid] = failed
                self.backoff_until[uid] = now + min(self.retry_delay * 2 ** (failed - 1), 30.0)
            if now < self.backoff_until.get(uid, 0.0):
                missing = 0
            for _ in range(max(missing, 0)):
                created, error = create_pod(self.world, pod_from_template(job, spec.get("template") or {}))
                if created is None:
                    self.ctx.recorder.emit(job, WARNING, "FailedCreate", f"Error creating: {error}", SOURCE)
                    break
                self.ctx.recorder.emit(
                    job, NORMAL, "SuccessfulCreate", f"Created pod: {created.name}", SOURCE
                )
                active.append(created)
        else:
            type_, reason, message = outcome
            for p in active:
                self.world.registry.delete(self.world.kind("Pod"), p.namespace, p.name, grace_seconds=0)
            active = []
            if type_ == "Complete":
                status["conditions"] = [
                    condition("SuccessCriteriaMet", True, stamp, reason, message, probe=True),
                    condition("Complete", True, stamp, reason, message, probe=True),
                ]
                status["completionTime"] = stamp
                self.ctx.recorder.emit(job, NORMAL, "Completed", "Job completed", SOURCE)
            else:
                status["conditions"] = [
                    condition("FailureTarget", True, stamp, reason, message, probe=True),
                    condition("Failed", True, stamp, reason, message, probe=True),
                ]
                self.ctx.recorder.emit(job, WARNING, reason, message, SOURCE)
        status["active"] = len(active)
        status["ready"] = sum(1 for p in active if is_pod_ready(p.obj))
        status["succeeded"], status["failed"] = succeeded, failed
        status["terminating"] = 0
        status["uncountedTerminatedPods"] = {}
        for k in ("active", "succeeded", "failed"):
            if not status[k]:
                del status[k]
        if status != job.obj.get("status"):
            obj = job.copy()
            obj["status"] = status
            self.world.save(obj)
