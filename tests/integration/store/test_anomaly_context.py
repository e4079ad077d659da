"""The nearest change before an anomaly, read from real timeline rows on SQLite and PostgreSQL: the
object's own rollout, scaling or config change wins over a namespace neighbour's; nothing outside the
window, after the start or in another namespace counts; other findings pass through untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.metrics.detection import Detection
from kubemedic.metrics.findings import anomaly_finding
from kubemedic.service.anomaly_context import anomaly_start, with_nearest_change
from kubemedic.state import ClusterState
from kubemedic.store import Store, TimelineEntry
from tests.factory import container, deployment_with_pods, env_from_configmap_key
from tests.integration.store.conftest import open_store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
CLUSTER = "prod"
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # when the memory started to climb (the alarm)
API = ObjectRef("Deployment", "shop", "api", cluster=CLUSTER)


def cluster() -> ClusterState:
    """shop/api reads ConfigMap shop/flags; shop/web is a neighbour; both with their pods."""
    api = container("api", "registry/api:2.0", env=[env_from_configmap_key("FLAG", "flags", "beta")])
    objects = deployment_with_pods("api", "shop", containers=[api]) + deployment_with_pods("web", "shop")
    return ClusterState.build(objects, now=START, cluster=CLUSTER)


def anomaly(obj: ObjectRef = API) -> Finding:
    t = START.timestamp()
    detection = Detection(t, 2.1e8, 9.0, True, "container-trend", "trend", 8e7, 7e7, 9e7, t - 3600, t, 900.0)
    return anomaly_finding(detection, obj, "memory of api-7d9f8b6c5-x2k9p/api")


def change(kind: str, name: str, minutes_before: float, type_: str, text: str, **data: Any) -> TimelineEntry:
    at = START - timedelta(minutes=minutes_before)
    return TimelineEntry(CLUSTER, kind, "shop", name, at, type_, text, data)


def rollout(name: str, minutes_before: float, image: str) -> TimelineEntry:
    text = f"rollout: {name} image old -> {image} (generation 4)"
    return change("Deployment", name, minutes_before, "rollout", text, generation=4, images={name: image})


def added(findings: tuple[Finding, ...]) -> list[Evidence]:
    """The evidence the call added to the one anomaly (its first evidence is the metric)."""
    (found,) = [f for f in findings if f.category == "anomaly"]
    return list(found.evidence[1:])


async def enrich(
    store_url: str, entries: list[TimelineEntry], findings: list[Finding]
) -> tuple[Finding, ...]:
    async with open_store(store_url) as store:
        await store.add_timeline(entries)
        return await with_nearest_change(findings, store, cluster())


async def test_the_objects_own_rollout_is_named_with_how_long_before(store_url: str) -> None:
    entries = [
        rollout("api", 12, "registry/api:2.0"),
        rollout("api", 4, "registry/api:2.1"),  # the nearest before the start
        rollout("api", -2, "registry/api:2.2"),  # after the start: not a cause
        change("Pod", "api-7d9f8b6c5-x2k9p", 1, "event", "Warning BackOff"),  # not a change
    ]
    (evidence,) = added(await enrich(store_url, entries, [anomaly()]))
    assert (
        evidence.text
        == "Deployment shop/api rolled out image registry/api:2.1 4 min before the anomaly began"
    )
    assert evidence.source == EvidenceSource.EVENT and evidence.location == "timeline/rollout"
    assert evidence.timestamp == "2026-11-24T11:56:00Z"
    assert evidence.object == ObjectRef("Deployment", "shop", "api", cluster=CLUSTER)


async def test_a_change_of_a_configmap_the_pods_read_counts_as_the_objects_own(store_url: str) -> None:
    entries = [
        change("ConfigMap", "flags", 3, "config", "data changed: changed beta"),
        change("Deployment", "web", 1, "scaled", "scaled 2 -> 5 replicas", **{"from": 2, "to": 5}),
    ]
    (evidence,) = added(await enrich(store_url, entries, [anomaly()]))
    assert (
        evidence.text == "ConfigMap shop/flags changed its data (changed beta) 3 min before the anomaly began"
    )


async def test_an_anomaly_on_a_pod_finds_its_deployments_scaling(store_url: str) -> None:
    pod = ObjectRef("Pod", "shop", "api-7d9f8b6c5-x2k9p", cluster=CLUSTER)
    entries = [change("Deployment", "api", 25, "scaled", "scaled 2 -> 6 replicas", **{"from": 2, "to": 6})]
    (evidence,) = added(await enrich(store_url, entries, [anomaly(pod)]))
    assert evidence.text == "Deployment shop/api scaled 2 -> 6 replicas 25 min before the anomaly began"


async def test_without_an_own_change_a_namespace_neighbours_is_said_as_such(store_url: str) -> None:
    entries = [
        rollout("web", 6, "registry/web:3.0"),
        TimelineEntry(CLUSTER, "Deployment", "other", "x", START - timedelta(minutes=1), "rollout", "r", {}),
    ]
    (evidence,) = added(await enrich(store_url, entries, [anomaly()]))
    assert evidence.text == (
        "In the same namespace, Deployment shop/web rolled out image registry/web:3.0 6 min before the "
        "anomaly began (not a change of this object or what it reads)"
    )


async def test_nothing_is_added_when_nothing_changed_in_the_window(store_url: str) -> None:
    entries = [
        rollout("api", 45, "registry/api:2.1"),  # older than the 30 min window
        TimelineEntry(
            "staging", "Deployment", "shop", "api", START - timedelta(minutes=2), "rollout", "r", {}
        ),
    ]
    assert added(await enrich(store_url, entries, [anomaly()])) == []


async def test_other_findings_pass_through_and_a_second_call_adds_nothing_more(store_url: str) -> None:
    crash = Finding(API, Severity.ERROR, "crash-loop", "api: crash loop", "m")
    async with open_store(store_url) as store:
        await store.add_timeline([rollout("api", 4, "registry/api:2.1")])
        once = await with_nearest_change([crash, anomaly()], store, cluster())
        twice = await with_nearest_change(once, store, cluster())
    assert once[0] is crash
    assert twice == once and len(once[1].evidence) == 2
    assert once[1].id == anomaly().id  # the same anomaly keeps its id: the store updates, not duplicates


async def test_an_anomaly_without_a_metric_time_or_a_bad_window_is_refused_or_left(tmp_path: Any) -> None:
    bare = Finding(API, Severity.WARNING, "anomaly", "memory: odd", "m")
    assert anomaly_start(bare) is None
    assert anomaly_start(anomaly()) == START
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        assert await with_nearest_change([bare], store, cluster()) == (bare,)
        with pytest.raises(ValueError, match="window must be positive"):
            await with_nearest_change([anomaly()], store, cluster(), window=timedelta(0))
