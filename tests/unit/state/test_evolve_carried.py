"""What an evolved state takes over from the previous one must never be stale: trees of owned objects,
keys by namespace, and a workload's parsed template references."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from kubemedic.state import ClusterState, make_view, template_refs
from kubemedic.state.evolve import evolve

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _obj(kind: str, name: str, uid: str, owner: str = "", ns: str = "shop", **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": uid}
    if owner:
        meta["ownerReferences"] = [{"kind": "X", "name": "x", "uid": owner, "controller": True}]
    return {"kind": kind, "metadata": meta, **extra}


def _deployment(config: str) -> dict[str, Any]:
    env = [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": config, "key": "a"}}}]
    template = {"spec": {"containers": [{"name": "app", "image": "x", "env": env}]}}
    return _obj("Deployment", "web", "d1", spec={"template": template}, status={"readyReplicas": 1})


def _state(*raws: dict[str, Any]) -> ClusterState:
    return ClusterState([make_view(r, r["kind"]) for r in raws], now=NOW)


def test_a_tree_of_owned_objects_follows_pods_coming_going_and_changing_owners() -> None:
    dep, rs = _deployment("cfg"), _obj("ReplicaSet", "web-1", "r1", owner="d1")
    pod_a, pod_b = _obj("Pod", "web-1-a", "pa", owner="r1"), _obj("Pod", "web-1-b", "pb", owner="r1")
    state = _state(dep, rs, pod_a)
    top = state.get("Deployment", "shop", "web")
    assert top is not None
    assert state.tree_keys(top) == {("Deployment", "shop", "web"), ("ReplicaSet", "shop", "web-1"),
                                    ("Pod", "shop", "web-1-a")}  # fmt: skip
    # a new pod under the ReplicaSet
    state = evolve(state, [make_view(pod_b, "Pod")], [], now=NOW)
    assert ("Pod", "shop", "web-1-b") in state.tree_keys(state.top_owner(state.pods()[1]))
    # a pod leaves: deleted
    state = evolve(state, [], [("Pod", "shop", "web-1-a")], now=NOW)
    assert ("Pod", "shop", "web-1-a") not in state.tree_keys(state.top_owner(state.pods()[0]))
    # a pod changes owners (to nothing that exists): it stands alone, and leaves the tree
    alone = copy.deepcopy(pod_b)
    alone["metadata"]["ownerReferences"][0]["uid"] = "gone"
    state = evolve(state, [make_view(alone, "Pod")], [], now=NOW)
    pod = state.pods()[0]
    assert state.tree_keys(state.top_owner(pod)) == {("Pod", "shop", "web-1-b")}
    top = state.get("Deployment", "shop", "web")
    assert top is not None
    assert ("Pod", "shop", "web-1-b") not in state.tree_keys(top)
    # its owner appears: it joins that owner's tree
    owner = _obj("ReplicaSet", "web-2", "gone", owner="d1")
    state = evolve(state, [make_view(owner, "ReplicaSet")], [], now=NOW)
    assert ("Pod", "shop", "web-1-b") in state.tree_keys(state.top_owner(state.pods()[0]))
    # a status-only update keeps the tree (and its cached answer) as it was
    before = state.tree_keys(state.top_owner(state.pods()[0]))
    updated = copy.deepcopy(alone)
    updated["status"] = {"phase": "Running"}
    state = evolve(state, [make_view(updated, "Pod")], [], now=NOW)
    assert state.tree_keys(state.top_owner(state.pods()[0])) is before


def test_keys_by_namespace_follow_objects_coming_and_going() -> None:
    state = _state(_obj("ConfigMap", "a", "c1"), _obj("ConfigMap", "b", "c2", ns="other"))
    assert state.namespaces() == ["other", "shop"]
    state = evolve(state, [make_view(_obj("Secret", "s", "s1", ns="new"), "Secret")], [], now=NOW)
    assert state.namespaces() == ["new", "other", "shop"]
    assert state.keys_in(["new"]) == [("Secret", "new", "s")]
    state = evolve(state, [], [("ConfigMap", "other", "b")], now=NOW)
    assert state.namespaces() == ["new", "shop"]
    assert state.keys_in(["other", "shop"]) == [("ConfigMap", "shop", "a")]


def test_a_workload_keeps_its_parsed_template_references_only_while_the_template_is_the_same() -> None:
    state = _state(_deployment("cfg"))
    refs = dict(state.template_references)
    assert [r.name for r in next(iter(refs.values()))] == ["cfg"]
    status_only = _deployment("cfg")
    status_only["status"] = {"readyReplicas": 0}
    state = evolve(state, [make_view(status_only, "Deployment")], [], now=NOW)
    view = state.get("Deployment", "shop", "web")
    assert view is not None
    assert template_refs(view) is next(iter(refs.values()))  # taken over, not parsed again
    state = evolve(state, [make_view(_deployment("other-cfg"), "Deployment")], [], now=NOW)
    (_, new_refs), *_ = state.template_references
    assert [r.name for r in new_refs] == ["other-cfg"]
