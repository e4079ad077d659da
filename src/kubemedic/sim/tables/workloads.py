"""Columns for Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, HPAs and PDBs."""

from __future__ import annotations

from kubemedic.sim.clock import age, human_duration, parse_ts
from kubemedic.sim.tables.base import Cells, Obj, TableSpec, cols, containers_images, dig, selector_text


def _age(obj: Obj, now: float) -> str:
    return age(obj["metadata"].get("creationTimestamp"), now)


def _deployment(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_images(spec)
    return [
        obj["metadata"]["name"],
        f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        st.get("updatedReplicas", 0),
        st.get("availableReplicas", 0),
        _age(obj, now),
        names,
        images,
        selector_text(spec.get("selector")),
    ]


def _replicaset(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_images(spec)
    return [
        obj["metadata"]["name"],
        spec.get("replicas", 0),
        st.get("replicas", 0),
        st.get("readyReplicas", 0),
        _age(obj, now),
        names,
        images,
        selector_text(spec.get("selector")),
    ]


def _statefulset(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_images(spec)
    return [
        obj["metadata"]["name"],
        f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        _age(obj, now),
        names,
        images,
    ]


def _daemonset(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_images(spec)
    node_sel = dig(spec, "template", "spec", "nodeSelector", default={}) or {}
    return [
        obj["metadata"]["name"],
        st.get("desiredNumberScheduled", 0),
        st.get("currentNumberScheduled", 0),
        st.get("numberReady", 0),
        st.get("updatedNumberScheduled", 0),
        st.get("numberAvailable", 0),
        ",".join(f"{k}={v}" for k, v in node_sel.items()) or "<none>",
        _age(obj, now),
        names,
        images,
        selector_text(spec.get("selector")),
    ]


def _job_status(obj: Obj) -> str:
    conds = {c.get("type"): c.get("status") for c in dig(obj, "status", "conditions", default=[]) or []}
    if conds.get("Complete") == "True":
        return "Complete"
    if conds.get("Failed") == "True":
        return "Failed"
    if obj["metadata"].get("deletionTimestamp"):
        return "Terminating"
    if conds.get("Suspended") == "True":
        return "Suspended"
    if conds.get("FailureTarget") == "True":
        return "FailureTarget"
    return "Running"


def _job(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    start, done = parse_ts(st.get("startTime")), parse_ts(st.get("completionTime"))
    duration = "" if start is None else human_duration((done or now) - start)
    names, images = containers_images(spec)
    return [
        obj["metadata"]["name"],
        _job_status(obj),
        f"{st.get('succeeded', 0)}/{spec.get('completions', 1)}",
        duration,
        _age(obj, now),
        names,
        images,
        selector_text(spec.get("selector")),
    ]


def _cronjob(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    last = parse_ts(st.get("lastScheduleTime"))
    names, images = containers_images(dig(spec, "jobTemplate", "spec", default={}))
    return [
        obj["metadata"]["name"],
        spec.get("schedule", ""),
        spec.get("timeZone") or "<none>",
        str(bool(spec.get("suspend"))),
        len(st.get("active") or []),
        "<none>" if last is None else human_duration(now - last),
        _age(obj, now),
        names,
        images,
    ]


def _hpa(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    targets: list[str] = []
    current = {(m.get("resource") or {}).get("name"): m for m in st.get("currentMetrics") or []}
    for m in spec.get("metrics") or []:
        res = m.get("resource") or {}
        want = dig(res, "target", "averageUtilization")
        cur = dig(current.get(res.get("name")), "resource", "current", "averageUtilization")
        targets.append(f"{res.get('name')}: {'<unknown>' if cur is None else str(cur) + '%'}/{want}%")
    return [
        obj["metadata"]["name"],
        f"{ref.get('kind')}/{ref.get('name')}",
        ", ".join(targets) or "<none>",
        spec.get("minReplicas", 1),
        spec.get("maxReplicas", 0),
        st.get("currentReplicas", 0),
        _age(obj, now),
    ]


def _pdb(obj: Obj, now: float) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    return [
        obj["metadata"]["name"],
        str(spec.get("minAvailable", "N/A")),
        str(spec.get("maxUnavailable", "N/A")),
        st.get("disruptionsAllowed", 0),
        _age(obj, now),
    ]


WORKLOAD_TABLES: dict[str, TableSpec] = {
    "Deployment": TableSpec(
        cols(("Name", "Ready", "Up-to-date", "Available", "Age"), ("Containers", "Images", "Selector")),
        _deployment,
    ),
    "ReplicaSet": TableSpec(
        cols(("Name", "Desired", "Current", "Ready", "Age"), ("Containers", "Images", "Selector")),
        _replicaset,
    ),
    "StatefulSet": TableSpec(cols(("Name", "Ready", "Age"), ("Containers", "Images")), _statefulset),
    "DaemonSet": TableSpec(
        cols(
            ("Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age"),
            ("Containers", "Images", "Selector"),
        ),
        _daemonset,
    ),
    "Job": TableSpec(
        cols(("Name", "Status", "Completions", "Duration", "Age"), ("Containers", "Images", "Selector")), _job
    ),
    "CronJob": TableSpec(
        cols(
            ("Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age"),
            ("Containers", "Images"),
        ),
        _cronjob,
    ),
    "HorizontalPodAutoscaler": TableSpec(
        cols(("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age")), _hpa
    ),
    "PodDisruptionBudget": TableSpec(
        cols(("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age")), _pdb
    ),
}
