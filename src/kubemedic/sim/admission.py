"""Admission checks run on create: ResourceQuota enforcement for pods."""

from __future__ import annotations

from typing import Any

from kubemedic.sim.controllers.policy import quota_usage
from kubemedic.sim.errors import ApiError
from kubemedic.sim.quantity import format_cpu, format_memory, millicores, parse_quantity
from kubemedic.sim.resources import ResourceType
from kubemedic.sim.store import Entry, Store

Obj = dict[str, Any]


def _as_number(key: str, value: object) -> float:
    return float(millicores(value)) if key.endswith("cpu") else parse_quantity(value)


def _fmt(key: str, value: float) -> str:
    if key == "pods":
        return str(int(value))
    return format_cpu(int(value)) if key.endswith("cpu") else format_memory(value)


class QuotaAdmission:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, rt: ResourceType, obj: Obj) -> None:
        if rt.kind != "Pod":
            return
        ns = str(obj["metadata"].get("namespace"))
        for quota in self.store.items("/resourcequotas", ns):
            self._check(quota, obj)

    def _check(self, quota: Entry, pod: Obj) -> None:
        hard: Obj = (quota.obj.get("spec") or {}).get("hard") or {}
        used = quota_usage(self.store.items("/pods", quota.namespace), hard)
        mine = quota_usage([Entry(pod, 0)], hard)
        over_req, over_used, over_lim = [], [], []
        for key, limit in hard.items():
            if key not in mine:
                continue
            req = _as_number(key, mine[key]) if key != "pods" else 1.0
            cur = _as_number(key, used.get(key, "0")) if key != "pods" else float(used.get(key, "0"))
            cap = _as_number(key, limit) if key != "pods" else float(limit)
            if req and cur + req > cap:
                over_req.append(f"{key}={_fmt(key, req)}")
                over_used.append(f"{key}={_fmt(key, cur)}")
                over_lim.append(f"{key}={_fmt(key, cap)}")
        if over_req:
            name = pod["metadata"]["name"]
            raise ApiError(
                403,
                "Forbidden",
                f'pods "{name}" is forbidden: exceeded quota: {quota.name}, '
                f"requested: {','.join(over_req)}, used: {','.join(over_used)}, "
                f"limited: {','.join(over_lim)}",
            )
