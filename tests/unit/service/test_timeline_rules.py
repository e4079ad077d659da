"""Which watched changes become timeline entries, and what they say (factory objects, no cluster)."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from kubemedic.cluster.reflector import Change
from kubemedic.service.timeline import TimelineRecorder
from tests.factory import (
    NOW,
    condition,
    configmap,
    cstatus,
    deployment,
    event,
    node,
    pod,
    running,
    secret,
    terminated,
    waiting,
)

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


class FakeStore:
    """Stands in for Store.add_timeline: records each batch (one call = one transaction)."""

    def __init__(self, fail: int = 0) -> None:
        self.batches: list[list[Any]] = []
        self.fail = fail

    async def add_timeline(self, entries: list[Any]) -> None:
        if self.fail:
            self.fail -= 1
            raise OSError("database is down")
        self.batches.append(list(entries))


def recorder(store: FakeStore | None = None, **kw: Any) -> TimelineRecorder:
    return TimelineRecorder(store or FakeStore(), clock=lambda: NOW, **kw)  # type: ignore[arg-type]


def feed(rec: TimelineRecorder, *objects: dict[str, Any], type_: str = "MODIFIED") -> list[tuple[str, str]]:
    """Observe `objects` in order; return the (type, text) of the entries they produced."""
    before = rec.pending
    for raw in objects:
        rec.observe("prod", Change(type_, raw["kind"], raw))
    return [(e.type, e.text) for e in rec.buffered()[before:]]


def seeded(*objects: dict[str, Any]) -> TimelineRecorder:
    rec = recorder()
    for raw in objects:
        rec.observe("prod", Change("ADDED", raw["kind"], raw), initial=True)
    assert rec.pending == 0, "the first listing only seeds digests"
    return rec


def crash_pod(restarts: int, **kw: Any) -> dict[str, Any]:
    return pod(
        "api-1",
        "shop",
        statuses=[
            cstatus(
                ready=False,
                restarts=restarts,
                state=kw.pop("state", waiting("CrashLoopBackOff", "back-off 10s restarting")),
                last_state=terminated("OOMKilled", 137),
            )
        ],
        **kw,
    )


def test_initial_listing_is_silent_and_a_later_add_is_a_creation() -> None:
    rec = seeded(pod("api-1", "shop"))
    assert feed(rec, pod("api-2", "shop"), type_="ADDED") == [("created", "Pod created on node node-1")]


def test_restart_records_count_reason_and_exit_code_once() -> None:
    rec = seeded(crash_pod(2))
    entries = feed(rec, crash_pod(3), crash_pod(3))
    assert entries == [("restart", "container app restarted (restart #3): last exit OOMKilled (code 137)")]
    [entry] = rec.buffered()
    assert entry.data == {"container": "app", "restart_count": 3, "reason": "OOMKilled", "exit_code": 137}
    assert (entry.kind, entry.namespace, entry.name, entry.at) == ("Pod", "shop", "api-1", NOW)


def test_phase_and_readiness_transitions() -> None:
    rec = seeded(pod("w", phase="Pending", node=None))
    assert feed(rec, pod("w")) == [
        ("status", "scheduled to node node-1"),
        ("status", "phase Pending -> Running"),
    ]
    not_ready = pod("w", statuses=[cstatus(ready=False, state=waiting("CrashLoopBackOff"))])
    assert feed(rec, not_ready) == [
        ("status", "container app not ready (CrashLoopBackOff)"),
        ("status", "container app waiting: CrashLoopBackOff"),
    ]
    assert feed(rec, pod("w")) == [("status", "container app ready")]


def test_crash_loop_flapping_does_not_repeat_the_waiting_reason() -> None:
    rec = seeded(crash_pod(1))
    flapping = [crash_pod(1, state=running()), crash_pod(2), crash_pod(2, state=running()), crash_pod(3)]
    types = [t for t, _ in feed(rec, *flapping)]
    assert types == ["restart", "restart"], "restarts only; CrashLoopBackOff already said once"


def test_coming_back_ready_with_a_restart_is_one_entry() -> None:
    rec = seeded(crash_pod(1))
    back = pod(
        "api-1",
        "shop",
        statuses=[cstatus(ready=True, restarts=2, state=running(1), last_state=terminated("OOMKilled", 137))],
    )
    assert [t for t, _ in feed(rec, back)] == ["restart"]


def test_image_pull_back_off_alternation_is_one_episode() -> None:
    pulling = [
        pod("x", phase="Pending", statuses=[cstatus(ready=False, state=waiting(r))])
        for r in ("ContainerCreating", "ErrImagePull", "ImagePullBackOff", "ErrImagePull")
    ]
    rec = seeded(pulling[0])
    assert feed(rec, *pulling[1:]) == [("status", "container app waiting: ErrImagePull")]


def test_failed_pod_names_the_container_and_exit_code() -> None:
    rec = seeded(pod("job-1"))
    failed = pod("job-1", phase="Failed", statuses=[cstatus(ready=False, state=terminated("Error", 2))])
    assert ("status", "phase Running -> Failed (app: Error, exit 2)") in feed(rec, failed)


def test_event_lands_on_the_involved_object_and_repeats_only_when_counted_again() -> None:
    target = pod("api-1", "shop")
    rec = seeded()
    first = event(target, "BackOff", "Back-off restarting failed container", count=1)
    again = copy.deepcopy(first)
    again["metadata"]["resourceVersion"] = "2001"  # a touch that is not news
    more = {**first, "count": 4}
    assert feed(rec, first, type_="ADDED") == [
        ("event", "Warning BackOff: Back-off restarting failed container")
    ]
    assert feed(rec, again) == []
    assert feed(rec, more) == [("event", "Warning BackOff: Back-off restarting failed container (x4)")]
    entry = rec.buffered()[-1]
    assert (entry.kind, entry.namespace, entry.name) == ("Pod", "shop", "api-1")
    assert entry.data["reason"] == "BackOff" and entry.data["count"] == 4
    assert feed(rec, more, type_="DELETED") == [], "events expiring is not news"


def test_normal_event_repeats_are_quiet() -> None:
    target = pod("api-1", "shop")
    rec = seeded()
    pulled = event(target, "Pulled", "Container image already present on machine", type_="Normal")
    assert feed(rec, pulled, type_="ADDED") == [
        ("event", "Normal Pulled: Container image already present on machine")
    ]
    assert feed(rec, {**pulled, "count": 5}) == [], "the restart entries already say it happened again"


def test_rollout_scale_and_availability() -> None:
    dep = deployment("web", "shop", replicas=2)
    rec = seeded(dep)
    rolled = copy.deepcopy(dep)
    rolled["metadata"]["generation"] = 4
    rolled["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example.com/shop/app:1.5.0"
    rolled["status"]["availableReplicas"] = 1
    assert feed(rec, rolled) == [
        (
            "rollout",
            "rollout: app image registry.example.com/shop/app:1.4.2 -> registry.example.com/shop/app:1.5.0 "
            "(generation 4)",
        ),
        ("status", "available replicas 2/2 -> 1/2"),
    ]
    scaled = copy.deepcopy(rolled)
    scaled["metadata"]["generation"] = 5
    scaled["spec"]["replicas"] = 5
    assert feed(rec, scaled) == [("scaled", "scaled 2 -> 5 replicas")]
    stalled = copy.deepcopy(scaled)
    stalled["status"]["conditions"] = [condition("Progressing", False, "ProgressDeadlineExceeded")]
    assert feed(rec, stalled) == [("status", "rollout stalled: progress deadline exceeded")]


def test_node_ready_pressure_and_cordon() -> None:
    healthy = node("worker-2")
    rec = seeded(healthy)
    sick = copy.deepcopy(healthy)
    sick["status"]["conditions"] = [
        condition("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
        condition("MemoryPressure", True, message="kubelet has insufficient memory available"),
        condition("DiskPressure", True),
    ]
    sick["spec"]["unschedulable"] = True
    assert feed(rec, sick) == [
        ("status", "node Unknown (NodeStatusUnknown: Kubelet stopped posting node status.)"),
        ("status", "DiskPressure"),
        ("status", "MemoryPressure: kubelet has insufficient memory available"),
        ("status", "cordoned (unschedulable)"),
    ]
    assert [t for _, t in feed(rec, healthy)] == [
        "node Ready",
        "DiskPressure cleared",
        "MemoryPressure cleared",
        "uncordoned",
    ]


def test_configmap_names_changed_keys_never_values() -> None:
    cm = configmap("settings", "shop", data={"LOG_LEVEL": "info", "URL": "postgres://db"})
    rec = seeded(cm)
    changed = configmap("settings", "shop", data={"LOG_LEVEL": "debug", "FEATURE": "on"})
    [(kind, text)] = feed(rec, changed)
    assert (kind, text) == ("config", "data changed: added FEATURE; removed URL; changed LOG_LEVEL")
    assert "debug" not in text and "postgres" not in text


def test_secret_change_says_only_that_data_changed() -> None:
    before = secret("db", "shop")
    rec = seeded(before)
    after = secret("db", "shop")
    after["data"]["password"] = "c3dvcmRmaXNo"  # the same key, a new value
    assert feed(rec, after) == [("config", "Secret data changed (values are never recorded)")]
    assert feed(rec, after) == [], "the same data again is not a change"
    entry = rec.buffered()[-1]
    assert "password" not in entry.text and not entry.data, "not even key names"
    digests = repr(rec._digests)  # what the recorder holds in memory
    assert "c3dvcmRmaXNo" not in digests and "password" not in digests


def test_delete_forgets_the_object_and_resourceversion_bumps_are_silent() -> None:
    p = pod("api-1", "shop")
    rec = seeded(p)
    bumped = copy.deepcopy(p)
    bumped["metadata"]["resourceVersion"] = "9999"
    assert feed(rec, bumped) == []
    assert feed(rec, p, type_="DELETED") == [("deleted", "Pod deleted")]
    assert rec.tracked == 0
    rec.observe("prod", Change("DELETED", "Pod", p, synthesized=True))
    assert rec.buffered()[-1].text == "Pod deleted (noticed on relist)"


def test_forget_drops_one_clusters_digests() -> None:
    rec = seeded(pod("a"), pod("b"))
    rec.observe("staging", Change("ADDED", "Pod", pod("c")), initial=True)
    rec.forget("prod")
    assert rec.tracked == 1


async def test_a_burst_is_written_in_one_transaction() -> None:
    store = FakeStore()
    rec = recorder(store)
    for i in range(1000):
        rec.observe("prod", Change("ADDED", "Pod", pod(f"p-{i}")))
    assert await rec.flush() == 1000
    assert len(store.batches) == 1 and len(store.batches[0]) == 1000
    assert await rec.flush() == 0 and len(store.batches) == 1


async def test_a_failed_flush_keeps_the_batch_and_memory_stays_bounded() -> None:
    store = FakeStore(fail=1)
    rec = recorder(store, max_pending=5)
    for i in range(3):
        rec.observe("prod", Change("ADDED", "Pod", pod(f"p-{i}")))
    assert await rec.flush() == 0 and rec.pending == 3 and rec.stats.failed_flushes == 1
    for i in range(3, 7):
        rec.observe("prod", Change("ADDED", "Pod", pod(f"p-{i}")))
    assert rec.pending == 5 and rec.stats.dropped == 2
    assert await rec.flush() == 5
    assert [e.name for e in store.batches[0]] == [f"p-{i}" for i in range(2, 7)], "oldest dropped, order kept"


def test_entries_carry_the_clock_time() -> None:
    later = NOW + timedelta(minutes=3)
    rec = TimelineRecorder(FakeStore(), clock=lambda: later)  # type: ignore[arg-type]
    rec.observe("prod", Change("ADDED", "Pod", pod("x")))
    assert rec.buffered()[0].at == later


def test_only_the_containers_that_changed_are_described() -> None:
    """Several containers (init ones too): each note names the container that changed, with its own
    state; containers whose digest did not change add nothing."""
    migrate = cstatus("migrate", ready=False, state=terminated("Completed", 0))
    app, sidecar = cstatus("app", restarts=1), cstatus("sidecar", restarts=4)
    rec = seeded(pod("api-1", "shop", init_statuses=[migrate], statuses=[app, sidecar]))
    sidecar_down = cstatus(
        "sidecar", ready=False, restarts=4, state=waiting("CrashLoopBackOff", "back-off 20s")
    )
    assert feed(rec, pod("api-1", "shop", init_statuses=[migrate], statuses=[app, sidecar_down])) == [
        ("status", "container sidecar not ready (CrashLoopBackOff)"),
        ("status", "container sidecar waiting: CrashLoopBackOff: back-off 20s"),
    ]
    app_again = cstatus("app", restarts=2, last_state=terminated("OOMKilled", 137))
    migrate_again = cstatus("migrate", ready=False, restarts=1, state=terminated("Error", 3))
    changed = pod("api-1", "shop", init_statuses=[migrate_again], statuses=[app_again, sidecar_down])
    assert feed(rec, changed) == [
        ("restart", "container migrate restarted (restart #1)"),
        ("restart", "container app restarted (restart #2): last exit OOMKilled (code 137)"),
    ]
    assert feed(rec, changed) == [], "the same again is no news"
