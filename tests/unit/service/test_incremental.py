"""Incremental analysis must find exactly what a full analysis finds.

A generated cluster (bench/gen_snapshot.py: workloads, services, broken pods of many kinds, events) and
the bundled broken-shop snapshot are mutated at random the ways clusters change - readiness flips,
restarts, crash loops, deletions, new pods, events, status updates, ConfigMaps and Nodes changing - and
after each batch the incrementally evolved state is compared with one built from scratch, and the
incremental findings with a full analysis of the same state, finding by finding.
"""

from __future__ import annotations

import copy
import random
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bench.gen_snapshot import CAPTURED_AT, Gen

from kubemedic.analyzers.run import run_analyzers
from kubemedic.cluster.fetch import wanted_logs
from kubemedic.service.incremental import IncrementalAnalysis
from kubemedic.state import ClusterState
from kubemedic.state.cluster_state import make_view
from kubemedic.state.evolve import evolve
from kubemedic.state.snapshot.loader import load_snapshot
from kubemedic.state.timeutil import parse_time

Obj = dict[str, Any]
Key = tuple[str, str, str]
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "broken-shop"


def _key(raw: Obj) -> Key:
    meta = raw["metadata"]
    return (raw["kind"], meta.get("namespace") or "", meta["name"])


def _generated(seed: int) -> tuple[list[Obj], datetime]:
    gen = Gen(seed, 300, 1200, 0.15)
    gen.build()
    gen.kinds["Event"] = list(gen.events())
    objects = [dict(o, kind=o.get("kind") or kind) for kind, items in gen.kinds.items() for o in items]
    now = parse_time(CAPTURED_AT)
    assert now is not None
    return objects, now


def _example() -> tuple[list[Obj], datetime]:
    loaded = load_snapshot(EXAMPLE)
    return [o.raw for kind in loaded.state.kinds for o in loaded.state.objects(kind)], loaded.state.now


class Mutator:
    """Random changes to a dict of objects, returning the keys changed and deleted."""

    def __init__(self, objects: dict[Key, Obj], rng: random.Random, batch: int) -> None:
        self.objects = objects
        self.rng = rng
        self.batch = batch

    def of_kind(self, kind: str) -> list[Key]:
        return [k for k in self.objects if k[0] == kind]

    def step(self) -> tuple[set[Key], set[Key]]:
        changed: set[Key] = set()
        deleted: set[Key] = set()
        ops = [self.flip, self.restart, self.crash, self.delete_pod, self.new_pod, self.event, self.scale]
        rare = [self.configmap, self.node, self.service, self.delete_replicaset]
        for _ in range(self.rng.randint(1, self.batch)):
            op = self.rng.choice(ops if self.rng.random() < 0.85 else rare)
            result = op()
            if result is None:
                continue
            key, gone = result
            (deleted if gone else changed).add(key)
            (changed if gone else deleted).discard(key)
        return changed, deleted

    def _pick(self, kind: str) -> tuple[Key, Obj] | None:
        keys = self.of_kind(kind)
        if not keys:
            return None
        key = self.rng.choice(keys)
        obj = copy.deepcopy(self.objects[key])
        self.objects[key] = obj
        return key, obj

    def flip(self) -> tuple[Key, bool] | None:
        picked = self._pick("Pod")
        if picked is None:
            return None
        key, pod = picked
        status = pod.setdefault("status", {})
        for cs in status.get("containerStatuses") or []:
            cs["ready"] = not cs.get("ready")
        ready = all(cs.get("ready") for cs in status.get("containerStatuses") or [])
        for c in status.get("conditions") or []:
            if c.get("type") in ("Ready", "ContainersReady"):
                c["status"] = "True" if ready else "False"
        return key, False

    def restart(self) -> tuple[Key, bool] | None:
        picked = self._pick("Pod")
        if picked is None:
            return None
        key, pod = picked
        for cs in pod.get("status", {}).get("containerStatuses") or []:
            cs["restartCount"] = int(cs.get("restartCount", 0)) + 1
            cs["lastState"] = {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}
        return key, False

    def crash(self) -> tuple[Key, bool] | None:
        picked = self._pick("Pod")
        if picked is None:
            return None
        key, pod = picked
        reason = self.rng.choice(["CrashLoopBackOff", "ImagePullBackOff", "CreateContainerConfigError"])
        for cs in pod.get("status", {}).get("containerStatuses") or []:
            cs["ready"] = False
            cs["state"] = {"waiting": {"reason": reason, "message": "back-off 5m0s"}}
            cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error"}}
            cs["restartCount"] = int(cs.get("restartCount", 0)) + 3
        return key, False

    def delete_pod(self) -> tuple[Key, bool] | None:
        keys = self.of_kind("Pod")
        if not keys:
            return None
        key = self.rng.choice(keys)
        del self.objects[key]
        return key, True

    def new_pod(self) -> tuple[Key, bool] | None:
        keys = self.of_kind("Pod")
        if not keys:
            return None
        pod = copy.deepcopy(self.objects[self.rng.choice(keys)])
        pod["metadata"]["name"] = (
            pod["metadata"]["name"][:40] + "-" + uuid.UUID(int=self.rng.getrandbits(128)).hex[:5]
        )
        pod["metadata"]["uid"] = str(uuid.UUID(int=self.rng.getrandbits(128)))
        key = _key(pod)
        self.objects[key] = pod
        return key, False

    def event(self) -> tuple[Key, bool] | None:
        keys = self.of_kind("Pod")
        if not keys:
            return None
        pod = self.objects[self.rng.choice(keys)]
        meta = pod["metadata"]
        container = ((pod.get("spec") or {}).get("containers") or [{"name": "app"}])[0]["name"]
        reason, message = self.rng.choice(
            [
                ("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"),
                ("BackOff", "Back-off restarting failed container"),
                ("Failed", 'Failed to pull image "x:1": not found'),
            ]
        )
        name = f"{meta['name']}.{self.rng.getrandbits(40):x}"
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": meta.get("namespace", ""),
                "uid": str(uuid.UUID(int=self.rng.getrandbits(128))),
            },
            "involvedObject": {
                "kind": "Pod",
                "namespace": meta.get("namespace", ""),
                "name": meta["name"],
                "uid": meta.get("uid", ""),
                "fieldPath": f"spec.containers{{{container}}}",
            },
            "reason": reason,
            "message": message,
            "type": "Warning",
            "count": self.rng.randint(1, 20),
            "lastTimestamp": CAPTURED_AT,
        }
        key = _key(event)
        self.objects[key] = event
        return key, False

    def scale(self) -> tuple[Key, bool] | None:
        picked = self._pick("Deployment")
        if picked is None:
            return None
        key, dep = picked
        status = dep.setdefault("status", {})
        desired = int(dep.get("spec", {}).get("replicas", 1))
        status["readyReplicas"] = self.rng.randint(0, desired)
        status["availableReplicas"] = status["readyReplicas"]
        return key, False

    def delete_replicaset(self) -> tuple[Key, bool] | None:
        """A ReplicaSet deleted with orphan propagation: its pods stay, owned by nothing that exists."""
        keys = [k for k in self.of_kind("ReplicaSet") if k[1] != "kube-system"]
        if not keys:
            return None
        key = self.rng.choice(keys)
        del self.objects[key]
        return key, True

    def configmap(self) -> tuple[Key, bool] | None:
        keys = self.of_kind("ConfigMap")
        if not keys:
            return None
        key = self.rng.choice(keys)
        del self.objects[key]
        return key, True

    def node(self) -> tuple[Key, bool] | None:
        picked = self._pick("Node")
        if picked is None:
            return None
        key, node = picked
        for c in node.get("status", {}).get("conditions") or []:
            if c.get("type") == "Ready":
                c["status"] = "False" if c.get("status") == "True" else "True"
        return key, False

    def service(self) -> tuple[Key, bool] | None:
        picked = self._pick("Service")
        if picked is None:
            return None
        key, svc = picked
        svc.setdefault("spec", {})["selector"] = {"app": "nothing-" + str(self.rng.randint(0, 9))}
        return key, False


def _view(raw: Obj) -> Any:
    return make_view(raw, raw["kind"])


def _same_state(evolved: ClusterState, fresh: ClusterState) -> None:
    assert dict(evolved.kinds) == dict(fresh.kinds)
    for ns in fresh.namespaces():
        assert [p.raw for p in evolved.pods_in(ns)] == [p.raw for p in fresh.pods_in(ns)]
    for node in fresh.objects("Node"):
        assert [p.raw for p in evolved.pods_on(node.name)] == [p.raw for p in fresh.pods_on(node.name)]
    for svc in fresh.objects("Service"):
        selector = svc.spec_selector()
        assert [p.raw for p in evolved.select_pods(svc.namespace, selector)] == [
            p.raw for p in fresh.select_pods(svc.namespace, selector)
        ]
    for kind in fresh.kinds:
        assert [o.raw for o in evolved.objects(kind)] == [o.raw for o in fresh.objects(kind)], kind
    for pod in fresh.pods():
        mine = evolved.get("Pod", pod.namespace, pod.name)
        assert mine is not None and mine.raw is pod.raw
        assert [e.raw for e in evolved.events_for(mine)] == [e.raw for e in fresh.events_for(pod)]
        assert [o.raw for o in evolved.owner_chain(mine)] == [o.raw for o in fresh.owner_chain(pod)]
    for dep in fresh.objects("Deployment"):
        mine = evolved.get("Deployment", dep.namespace, dep.name)
        assert mine is not None
        assert [p.raw for p in evolved.pods_of(mine)] == [p.raw for p in fresh.pods_of(dep)]
    for reason in ("Unhealthy", "BackOff", "Failed", "FailedCreate", "FailedScheduling"):
        assert [e.raw for e in evolved.events_with_reason(reason)] == [
            e.raw for e in fresh.events_with_reason(reason)
        ]
    assert [p.raw for p in evolved.troubled_pods] == [p.raw for p in fresh.troubled_pods]
    assert wanted_logs(evolved) == wanted_logs(fresh)
    # carried over from the previous state (built there by the previous call), edited by evolve
    assert evolved.namespaces() == fresh.namespaces()
    for ns in fresh.namespaces():
        assert sorted(evolved.keys_in([ns])) == sorted(fresh.keys_in([ns])), ns
    for obj in [*fresh.pods(), *fresh.objects("ReplicaSet"), *fresh.objects("Deployment")]:
        mine = evolved.get(obj.kind, obj.namespace, obj.name)
        assert mine is not None
        top, fresh_top = evolved.top_owner(mine), fresh.top_owner(obj)
        assert evolved.tree_keys(top) == fresh.tree_keys(fresh_top), obj
    assert [(o.raw, r) for o, r in evolved.template_references] == [
        (o.raw, r) for o, r in fresh.template_references
    ]


@pytest.mark.parametrize(
    ("source", "batch", "least_scoped"),
    [("generated-3", 6, 20), ("generated-11", 6, 20), ("broken-shop", 1, 1)],
)
def test_incremental_findings_equal_a_full_analysis_after_every_batch_of_changes(
    source: str, batch: int, least_scoped: int
) -> None:
    # broken-shop is small and mostly kube-system and one namespace with Service/ConfigMap findings, so
    # nearly every change there rightly means a full analysis: it is here for its variety of faults, and
    # needs only one batch analyzed incrementally so that the comparison covers that path at all.
    raws, now = _example() if source == "broken-shop" else _generated(int(source.split("-")[1]))
    objects = {_key(o): o for o in raws}
    mutator = Mutator(objects, random.Random(source), batch)
    engine = IncrementalAnalysis(full_every_s=float("inf"))
    views = {k: _view(o) for k, o in objects.items()}
    state = ClusterState(list(views.values()), now=now)
    engine.run(state, ())
    scoped = 0
    for step in range(60):
        changed, deleted = mutator.step()
        fresh_views = [_view(objects[k]) for k in changed]
        state = evolve(state, fresh_views, deleted, now=now)
        for k in deleted:
            views.pop(k, None)
        for view in fresh_views:
            views[(view.kind, view.namespace, view.name)] = view
        # from scratch: new views, so nothing remembered on a view object is reused for the expectation
        rebuilt = ClusterState([_view(v.raw) for v in views.values()], now=now)
        _same_state(state, rebuilt)
        run = engine.run(state, changed | deleted)
        scoped += not run.full
        expected = {f.id: f for f in run_analyzers(rebuilt)}
        got = {f.id: f for f in run.findings}
        assert set(got) == set(expected), f"step {step} ({run.reason or 'scoped'}): {changed | deleted}"
        for fid, finding in expected.items():
            assert got[fid] == finding, f"step {step}: {finding.title}"
        # the monitor's periodic full pass: everything, on the evolved state and its reused views
        assert {f.id: f for f in run_analyzers(state)} == expected, f"step {step}: full on evolved"
    assert scoped >= least_scoped, (
        "many batches should have been analyzed incrementally (kube-system and Nodes are not)"
    )
