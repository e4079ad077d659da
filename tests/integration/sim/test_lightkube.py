"""lightkube, the client kubemedic uses for real clusters, against the simulated cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lightkube import ApiError, Client, KubeConfig
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import ConfigMap, Pod

from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def small_window() -> Iterator[SimHandle]:
    with running_sim(SimConfig(history_window=30, require_token=True)) as handle:
        yield handle


@pytest.fixture(scope="module")
def client(small_window: SimHandle) -> Client:
    return Client(KubeConfig.from_file(str(small_window.kubeconfig)))


def test_list_pods_all_namespaces(client: Client) -> None:
    pods = list(client.list(Pod, namespace="*"))
    assert any(p.metadata is not None and (p.metadata.name or "").startswith("coredns-") for p in pods)


def test_watch_receives_added_event(client: Client) -> None:
    listing = client.list(ConfigMap, namespace="default")
    list(listing)
    rv = listing.resourceVersion
    client.create(ConfigMap(metadata=ObjectMeta(name="watch-me", namespace="default"), data={"a": "1"}))
    for op, obj in client.watch(ConfigMap, namespace="default", resource_version=rv, server_timeout=5):
        if obj.metadata is not None and obj.metadata.name == "watch-me":
            assert op == "ADDED"
            break
    else:
        pytest.fail("no ADDED event for watch-me")


def test_watch_from_compacted_resource_version_is_410(client: Client) -> None:
    for i in range(40):
        client.create(ConfigMap(metadata=ObjectMeta(name=f"churn-{i}", namespace="default")))
    with pytest.raises(ApiError) as err:
        for _ in client.watch(ConfigMap, namespace="default", resource_version="1", server_timeout=5):
            pass
    assert err.value.status.code == 410


def test_dry_run_create_stores_nothing(client: Client) -> None:
    made = client.create(ConfigMap(metadata=ObjectMeta(name="dry", namespace="default")), dry_run=True)
    assert made.metadata is not None and made.metadata.name == "dry"
    with pytest.raises(ApiError) as err:
        client.get(ConfigMap, "dry", namespace="default")
    assert err.value.status.code == 404


def test_token_required(small_window: SimHandle) -> None:
    import httpx

    bare = httpx.get(f"{small_window.url}/api/v1/namespaces", timeout=5)
    assert bare.status_code == 401
    assert bare.json()["reason"] == "Unauthorized"
