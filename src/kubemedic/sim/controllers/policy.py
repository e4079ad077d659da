"""Disruption budgets, autoscalers and quotas: controllers that only report status and events."""

from __future__ import annotations

import math

from kubemedic.sim.controllers.base import Context, Obj, Pace, condition, is_active, is_pod_ready
from kubemedic.sim.quantity import format_cpu, format_memory, millicores, parse_quantity
from kubemedic.sim.recorder import WARNING, Source
from kubemedic.sim.selectors import selector_from_object
from kubemedic.sim.store import Entry

HPA_SOURCE = Source("horizontal-pod-autoscaler")


def _save_status(ctx: Context, entry: Entry, status: Obj) -> None:
    if entry.obj.get("status") != status:
        obj = entry.copy()
        obj["status"] = status
        ctx.world.save(obj)


def _resolve(value: object, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value) if isinstance(value, int | str) else 0


class PolicyController:
    interval = 2.0

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pace = Pace(self.interval)

    def step(self, now: float) -> None:
        if not self.pace.due(now):
            return
        for pdb in self.world.store.items("policy/poddisruptionbudgets"):
            self._pdb(pdb)
        for hpa in self.world.store.items("autoscaling/horizontalpodautoscalers"):
            self._hpa(hpa)
        for quota in self.world.store.items("/resourcequotas"):
            self._quota(quota)

    def _pdb(self, pdb: Entry) -> None:
        spec = pdb.obj.get("spec") or {}
        sel = selector_from_object(spec.get("selector"))
        pods = [
            p
            for p in self.world.store.items("/pods", pdb.namespace)
            if is_active(p.obj) and sel.matches(p.labels)
        ]
        healthy = sum(1 for p in pods if is_pod_ready(p.obj))
        expected = len(pods)
        if "minAvailable" in spec:
            desired = _resolve(spec["minAvailable"], expected)
        else:
            desired = max(expected - _resolve(spec.get("maxUnavailable", 0), expected), 0)
        allowed = max(healthy - desired, 0)
        stamp = self.world.clock.stamp()
        cond = condition(
            "DisruptionAllowed", allowed > 0, stamp, "SufficientPods" if allowed > 0 else "InsufficientPods"
        )
        old_cond = next(iter((pdb.obj.get("status") or {}).get("conditions") or []), None)
        if old_cond and old_cond.get("status") == cond["status"]:
            cond = old_cond
        _save_status(
            self.ctx,
            pdb,
            {
                "observedGeneration": pdb.obj["metadata"].get("generation", 1),
                "disruptionsAllowed": allowed,
                "currentHealthy": healthy,
                "desiredHealthy": desired,
                "expectedPods": expected,
                "conditions": [cond],
            },
        )

    def _hpa(self, hpa: Entry) -> None:
        spec = hpa.obj.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        target = self.world.store.get("apps/deployments", hpa.namespace, str(ref.get("name")))
        stamp = self.world.clock.stamp()
        status: Obj = dict(hpa.obj.get("status") or {})
        if target is None:
            msg = (
                f"the HPA controller was unable to get the target's current scale: deployments/scale.apps "
                f'"{ref.get("name")}" not found'
            )
            self.ctx.recorder.emit(hpa, WARNING, "FailedGetScale", msg, HPA_SOURCE)
            status.update(
                currentReplicas=0,
                desiredReplicas=0,
                conditions=[condition("AbleToScale", False, stamp, "FailedGetScale", msg)],
            )
            _save_status(self.ctx, hpa, status)
            return
        sel = selector_from_object((target.obj.get("spec") or {}).get("selector"))
        pods = [
            p
            for p in self.world.store.items("/pods", hpa.namespace)
            if sel.matches(p.labels) and is_active(p.obj)
        ]
        replicas = int((target.obj.get("spec") or {}).get("replicas", 1))
        problem: str | None = None
        current: list[Obj] = []
        for metric in spec.get("metrics") or []:
            res = metric.get("resource") or {}
            name = str(res.get("name", "cpu"))
            for p in pods:
                for c in p.obj["spec"].get("containers") or []:
                    if name not in ((c.get("resources") or {}).get("requests") or {}):
                        problem = (
                            f"failed to get {name} utilization: missing request for {name} in container "
                            f"{c['name']} of Pod {p.name}"
                        )
                        break
                if problem:
                    break
            if problem is None and pods:
                usage, requested = self._usage(pods, name)
                util = round(100 * usage / requested) if requested else 0
                current.append(
                    {
                        "type": "Resource",
                        "resource": {
                            "name": name,
                            "current": {
                                "averageUtilization": util,
                                "averageValue": format_cpu(int(usage / len(pods)))
                                if name == "cpu"
                                else format_memory(usage / len(pods)),
                            },
                        },
                    }
                )
        able = condition(
            "AbleToScale", True, stamp, "ReadyForNewScale", "recommended size matches current size"
        )
        if problem is not None:
            self.ctx.recorder.emit(hpa, WARNING, "FailedGetResourceMetric", problem, HPA_SOURCE)
            self.ctx.recorder.emit(
                hpa,
                WARNING,
                "FailedComputeMetricsReplicas",
                f"invalid metrics (1 invalid out of 1), first error is: {problem}",
                HPA_SOURCE,
            )
            active = condition(
                "ScalingActive",
                False,
                stamp,
                "FailedGetResourceMetric",
                f"the HPA was unable to compute the replica count: {problem}",
            )
        else:
            active = condition(
                "ScalingActive",
                True,
                stamp,
                "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from cpu resource "
                "utilization (percentage of request)",
            )
        limited = condition(
            "ScalingLimited",
            False,
            stamp,
            "DesiredWithinRange",
            "the desired count is within the acceptable range",
        )
        old = {c.get("type"): c for c in status.get("conditions") or []}
        conds = [
            old[c["type"]]
            if old.get(c["type"], {}).get("status") == c["status"]
            and old[c["type"]].get("reason") == c.get("reason")
            else c
            for c in (able, active, limited)
        ]
        status.update(currentReplicas=replicas, desiredReplicas=replicas, conditions=conds)
        if current:
            status["currentMetrics"] = current
        else:
            status.pop("currentMetrics", None)
        _save_status(self.ctx, hpa, status)

    def _usage(self, pods: list[Entry], resource: str) -> tuple[float, float]:
        usage = requested = 0.0
        for p in pods:
            for c in p.obj["spec"].get("containers") or []:
                b = self.world.behaviors.lookup(p.namespace, p.labels, c["name"])
                req = ((c.get("resources") or {}).get("requests") or {}).get(resource, 0)
                if resource == "cpu":
                    usage += b.cpu_millis
                    requested += millicores(req)
                else:
                    usage += b.memory_mib * 2**20
                    requested += parse_quantity(req)
        return usage, requested

    def _quota(self, quota: Entry) -> None:
        hard = (quota.obj.get("spec") or {}).get("hard") or {}
        used = quota_usage(self.world.store.items("/pods", quota.namespace), hard)
        _save_status(self.ctx, quota, {"hard": dict(hard), "used": used})


def quota_usage(pods: list[Entry], hard: Obj) -> dict[str, str]:
    totals = {
        "requests.cpu": 0.0,
        "requests.memory": 0.0,
        "limits.cpu": 0.0,
        "limits.memory": 0.0,
        "pods": 0.0,
    }
    for p in pods:
        if not is_active(p.obj) and p.obj["metadata"].get("deletionTimestamp") is None:
            continue
        totals["pods"] += 1
        for c in p.obj["spec"].get("containers") or []:
            res = c.get("resources") or {}
            for kind in ("requests", "limits"):
                vals = res.get(kind) or {}
                totals[f"{kind}.cpu"] += millicores(vals.get("cpu", 0))
                totals[f"{kind}.memory"] += parse_quantity(vals.get("memory", 0))
    aliases = {"cpu": "requests.cpu", "memory": "requests.memory"}
    out: dict[str, str] = {}
    for key in hard:
        src = aliases.get(key, key)
        if src not in totals:
            continue
        value = totals[src]
        out[key] = (
            format_cpu(int(value))
            if src.endswith("cpu")
            else (str(int(value)) if src == "pods" else format_memory(value))
        )
    return out
