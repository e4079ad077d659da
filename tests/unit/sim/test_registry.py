"""Registry semantics: metadata, generation, dry-run, conflicts, garbage collection."""

from __future__ import annotations

import pytest

from kubemedic.sim.clock import Clock
from kubemedic.sim.config import SimConfig
from kubemedic.sim.errors import ApiError
from kubemedic.sim.kit import container, deployment, namespace, pod_spec
from kubemedic.sim.patch import MERGE
from kubemedic.sim.registry import WriteOptions, owner_reference
from kubemedic.sim.world import World


@pytest.fixture
def world() -> World:
    w = World.create(SimConfig(), Clock(now=lambda: 1_700_000_000.0))
    w.ensure(namespace("default"))
    return w


def test_create_fills_metadata_and_defaults(world: World) -> None:
    d = world.ensure(deployment("web", "default", pod_spec(container("web", "nginx"))))
    meta = d.obj["metadata"]
    assert meta["uid"] and meta["generation"] == 1 and meta["creationTimestamp"] == "2023-11-14T22:13:20Z"
    assert d.obj["spec"]["strategy"]["type"] == "RollingUpdate"


def test_dry_run_changes_nothing(world: World) -> None:
    rt = world.kind("Deployment")
    before = world.store.resource_version
    made = world.registry.create(
        rt, "default", deployment("dry", "default", pod_spec(container("c", "i"))), WriteOptions(dry_run=True)
    )
    assert made.obj["metadata"]["name"] == "dry"
    assert world.find("Deployment", "default", "dry") is None and world.store.resource_version == before


def test_spec_change_bumps_generation_and_stale_update_conflicts(world: World) -> None:
    d = world.ensure(deployment("web", "default", pod_spec(container("web", "nginx"))))
    rt = world.kind("Deployment")
    patched = world.registry.patch(rt, "default", "web", MERGE, {"spec": {"replicas": 4}})
    assert patched.obj["metadata"]["generation"] == 2
    stale = d.copy()
    with pytest.raises(ApiError) as err:
        world.registry.update(rt, "default", "web", stale)
    assert err.value.code == 409 and err.value.reason == "Conflict"


def test_missing_name_is_invalid_and_duplicate_is_already_exists(world: World) -> None:
    rt = world.kind("ConfigMap")
    with pytest.raises(ApiError) as err:
        world.registry.create(rt, "default", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})
    assert err.value.code == 422
    world.registry.create(rt, "default", {"metadata": {"name": "x"}})
    with pytest.raises(ApiError) as dup:
        world.registry.create(rt, "default", {"metadata": {"name": "x"}})
    assert dup.value.code == 409 and dup.value.reason == "AlreadyExists"


def test_background_delete_collects_dependents(world: World) -> None:
    owner = world.ensure(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "owner", "namespace": "default"}}
    )
    world.ensure(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": "child",
                "namespace": "default",
                "ownerReferences": [owner_reference(owner)],
            },
        }
    )
    world.registry.delete(world.kind("ConfigMap"), "default", "owner")
    assert world.find("ConfigMap", "default", "child") is None


def test_orphan_delete_keeps_dependents(world: World) -> None:
    owner = world.ensure(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "o", "namespace": "default"}}
    )
    world.ensure(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "default", "ownerReferences": [owner_reference(owner)]},
        }
    )
    world.registry.delete(world.kind("ConfigMap"), "default", "o", propagation="Orphan")
    child = world.find("ConfigMap", "default", "c")
    assert child is not None and not child.obj["metadata"]["ownerReferences"]
