"""Store semantics: resourceVersion, history window, pagination and watches."""

from __future__ import annotations

import pytest

from kubemedic.sim.store import ADDED, DELETED, MODIFIED, Store, TooOld


def _cm(name: str, ns: str = "default", **labels: str) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
    }


def test_every_write_gets_a_higher_resource_version() -> None:
    store = Store()
    a = store.put("/configmaps", _cm("a"))
    b = store.put("/configmaps", _cm("b"))
    c = store.put("/configmaps", _cm("a"))
    assert a.rv < b.rv < c.rv == store.resource_version
    assert c.obj["metadata"]["resourceVersion"] == str(c.rv)
    gone = store.remove("/configmaps", "default", "a")
    assert gone is not None and gone.rv > c.rv
    assert store.get("/configmaps", "default", "a") is None


def test_entries_cache_their_bytes() -> None:
    entry = Store().put("/configmaps", _cm("a"))
    assert entry.raw is entry.raw
    assert b'"name":"a"' in entry.raw


def test_page_follows_key_order_and_resumes_after_the_last_key() -> None:
    store = Store()
    for ns in ("b", "a"):
        for i in range(3):
            store.put("/configmaps", _cm(f"cm-{i}", ns))
    first, last = store.page("/configmaps", None, lambda _e: True, limit=4)
    assert [(e.namespace, e.name) for e in first] == [
        ("a", "cm-0"),
        ("a", "cm-1"),
        ("a", "cm-2"),
        ("b", "cm-0"),
    ]
    assert last == ("b", "cm-0")
    rest, more = store.page("/configmaps", None, lambda _e: True, after=last, limit=4)
    assert [e.name for e in rest] == ["cm-1", "cm-2"] and more is None
    only_b, _ = store.page("/configmaps", "b", lambda _e: True)
    assert {e.namespace for e in only_b} == {"b"}


def test_watch_replays_history_after_a_resource_version() -> None:
    store = Store()
    start = store.put("/configmaps", _cm("a")).rv
    store.put("/configmaps", _cm("a"))
    store.remove("/configmaps", "default", "a")
    _, backlog = store.watch("/configmaps", start, lambda _e: True)
    assert [c.type for c in backlog] == [MODIFIED, DELETED]


def test_watch_without_resource_version_starts_with_current_state() -> None:
    store = Store()
    store.put("/configmaps", _cm("a"))
    watcher, backlog = store.watch("/configmaps", None, lambda _e: True)
    assert [c.type for c in backlog] == [ADDED]
    store.put("/configmaps", _cm("b"))
    assert watcher.queue.get_nowait().entry.name == "b"


def test_watch_filter_applies_to_live_changes() -> None:
    store = Store()
    watcher, _ = store.watch("/configmaps", store.resource_version, lambda e: e.labels.get("x") == "1")
    store.put("/configmaps", _cm("no"))
    store.put("/configmaps", _cm("yes", x="1"))
    assert watcher.queue.qsize() == 1


def test_resource_version_older_than_window_is_too_old() -> None:
    store = Store(history_window=5)
    first = store.put("/configmaps", _cm("a")).rv
    for i in range(10):
        store.put("/configmaps", _cm(f"n{i}"))
    with pytest.raises(TooOld):
        store.watch("/configmaps", first, lambda _e: True)
    store.watch("/configmaps", store.resource_version - 2, lambda _e: True)


def test_owner_index_finds_dependents() -> None:
    store = Store()
    pod = _cm("p")
    pod["metadata"]["ownerReferences"] = [{"uid": "owner-1", "kind": "ReplicaSet", "name": "rs"}]  # type: ignore[index]
    store.put("/pods", pod)
    assert [e.name for _, e in store.dependents("owner-1")] == ["p"]
    store.remove("/pods", "default", "p")
    assert store.dependents("owner-1") == []
