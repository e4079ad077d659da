"""A pod change reaches the objects outside its workload whose findings read it.

A Service with no findings lives in a namespace the plan does not widen to; when the last pod it
selects goes away, or its pods stop being Ready, or a pod starts using a waiting claim, the incremental
analysis must report what a full analysis reports - at once, not at the next periodic full pass.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from kubemedic.analyzers.run import run_analyzers
from kubemedic.analyzers.scope import known_from, plan
from kubemedic.service.incremental import IncrementalAnalysis
from kubemedic.state import ClusterState, make_view
from kubemedic.state.evolve import evolve

NOW = datetime(2026, 1, 1, tzinfo=UTC)
OLD = (NOW - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
Obj = dict[str, Any]


def _meta(kind: str, name: str, ns: str = "shop", owner: tuple[str, str] | None = None, **extra: Any) -> Obj:
    meta: Obj = {
        "name": name,
        "namespace": ns,
        "uid": _uid(kind, ns, name),
        "creationTimestamp": OLD,
        **extra,
    }
    if owner:
        owner_kind, owner_name = owner
        ref = {
            "kind": owner_kind,
            "name": owner_name,
            "uid": _uid(owner_kind, ns, owner_name),
            "controller": True,
        }
        meta["ownerReferences"] = [ref]
    return meta


def _uid(kind: str, ns: str, name: str) -> str:
    return f"{kind}-{ns}-{name}"


def _workload(name: str, ns: str = "shop", pods: int = 1, volumes: list[Obj] | None = None) -> list[Obj]:
    """A Deployment, its ReplicaSet and its Running, Ready pods labelled app=<name>."""
    labels = {"app": name}
    spec: Obj = {"containers": [{"name": "app", "image": "app:1", "ports": [{"containerPort": 8080}]}]}
    if volumes:
        spec["volumes"] = volumes
    template = {"metadata": {"labels": labels}, "spec": spec}
    dep = {
        "kind": "Deployment",
        "metadata": _meta("Deployment", name, ns),
        "spec": {"replicas": pods, "template": template},
        "status": {"replicas": pods, "readyReplicas": pods, "availableReplicas": pods},
    }
    rs = {
        "kind": "ReplicaSet",
        "metadata": _meta("ReplicaSet", f"{name}-1", ns, owner=("Deployment", name)),
        "spec": {"replicas": pods, "template": template},
        "status": {"replicas": pods, "readyReplicas": pods},
    }
    out = [dep, rs]
    for i in range(pods):
        status = {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "app", "ready": True, "restartCount": 0, "state": {"running": {"startedAt": OLD}}}
            ],
        }
        meta = _meta("Pod", f"{name}-1-{i}", ns, owner=("ReplicaSet", f"{name}-1"), labels=labels)
        out.append(
            {
                "kind": "Pod",
                "metadata": meta,
                "spec": {**copy.deepcopy(spec), "nodeName": "n1"},
                "status": status,
            }
        )
    return out


def _service(name: str, ns: str = "shop") -> Obj:
    return {
        "kind": "Service",
        "metadata": _meta("Service", name, ns),
        "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]},
    }


def _cluster(*extra: Obj) -> list[Obj]:
    node = {
        "kind": "Node",
        "metadata": {"name": "n1", "uid": "uid-n1", "creationTimestamp": OLD},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }
    # enough unrelated workloads that a change to one service's pods is planned, not a full analysis
    filler = [o for i in range(6) for o in _workload(f"filler-{i}", ns="other", pods=3)]
    return [node, *filler, *_workload("web", pods=2), _service("web"), *extra]


def _state(raws: list[Obj]) -> ClusterState:
    return ClusterState([make_view(r, r["kind"]) for r in raws], now=NOW)


def _key(raw: Obj) -> tuple[str, str, str]:
    return (raw["kind"], raw["metadata"].get("namespace") or "", raw["metadata"]["name"])


def _step(raws: list[Obj], changed: list[Obj], deleted: list[Obj]) -> tuple[set[str], set[str]]:
    """Findings (titles on the Service/claim side) after one incremental step, and after a full one."""
    engine = IncrementalAnalysis(full_every_s=float("inf"))
    state = _state(raws)
    first = engine.run(state, ())
    known = known_from([(f.object.kind, f.object.namespace, f.object.name) for f in first.findings])
    assert not known.namespaces, "the Service's namespace starts with no findings outside workloads"
    new = evolve(state, [make_view(c, c["kind"]) for c in changed], [_key(d) for d in deleted], now=NOW)
    dirty = {_key(o) for o in [*changed, *deleted]}
    assert not plan(state, new, dirty, known).full, "the step is planned, so the plan is what is tested"
    run = engine.run(new, dirty)
    assert not run.full
    gone = {_key(d) for d in deleted}
    rebuilt = [r for r in raws if _key(r) not in gone and _key(r) not in {_key(c) for c in changed}] + changed
    expected = {f"{f.object.kind}/{f.object.name}: {f.title}" for f in run_analyzers(_state(rebuilt))}
    return {f"{f.object.kind}/{f.object.name}: {f.title}" for f in run.findings}, expected


def test_a_service_whose_last_pods_are_deleted_matches_no_pod_at_once() -> None:
    raws = _cluster()
    pods = [r for r in raws if r["kind"] == "Pod" and r["metadata"]["name"].startswith("web-")]
    got, expected = _step(raws, [], pods)
    assert "Service/web: selector matches no pod" in expected
    assert got == expected


def test_a_service_whose_pod_is_relabelled_away_matches_no_pod_at_once() -> None:
    raws = _cluster()
    pods = [r for r in raws if r["kind"] == "Pod" and r["metadata"]["name"].startswith("web-")]
    moved = []
    for pod in pods:
        pod = copy.deepcopy(pod)
        pod["metadata"]["labels"] = {"app": "debug"}  # taken out of the Service to debug it
        moved.append(pod)
    got, expected = _step(raws, moved, [])
    assert "Service/web: selector matches no pod" in expected
    assert got == expected


def test_a_service_whose_pods_all_stop_being_ready_is_reported_at_once() -> None:
    raws = _cluster()
    unready = []
    for pod in (r for r in raws if r["kind"] == "Pod" and r["metadata"]["name"].startswith("web-")):
        pod = copy.deepcopy(pod)
        pod["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
        pod["status"]["containerStatuses"][0]["ready"] = False
        unready.append(pod)
    got, expected = _step(raws, unready, [])
    assert any(t.startswith("Service/web:") for t in expected), expected
    assert got == expected


def test_a_pod_that_starts_using_a_waiting_claim_reaches_the_claim() -> None:
    local = {
        "kind": "StorageClass",
        "metadata": {"name": "local", "uid": "uid-sc"},
        "provisioner": "local",
        "volumeBindingMode": "WaitForFirstConsumer",
    }
    claim = {
        "kind": "PersistentVolumeClaim",
        "metadata": _meta("PersistentVolumeClaim", "data"),
        "spec": {"storageClassName": "local"},
        "status": {"phase": "Pending"},
    }
    raws = _cluster(local, claim)
    user = _workload("db", volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}])[-1]
    got, expected = _step(raws, [user], [])
    assert "PersistentVolumeClaim/data: claim Pending" in expected  # quiet while nobody waited for it
    assert got == expected
