"""Event lists take a typed fast path; the views must read them exactly like the JSON objects."""

from __future__ import annotations

from pathlib import Path

import orjson

from kubemedic.state import ClusterState, LogKey
from kubemedic.state.snapshot import load_snapshot
from kubemedic.state.snapshot.events_fast import decode_events, looks_like_events
from tests.factory import NOW, event, pod


def test_events_read_the_same_through_the_fast_path(tmp_path: Path) -> None:
    p = pod("api-1", "shop")
    events = [
        event(
            p,
            "BackOff",
            "Back-off restarting failed container",
            count=12,
            field_path="spec.containers{app}",
            ago=5,
        ),
        event(p, "Pulled", "Container image already present", type_="Normal", ago=50),
    ]
    doc = {"apiVersion": "v1", "kind": "List", "items": events, "metadata": {"resourceVersion": ""}}
    (tmp_path / "events.json").write_bytes(orjson.dumps(doc))
    (tmp_path / "pods.json").write_bytes(orjson.dumps({"apiVersion": "v1", "kind": "List", "items": [p]}))
    assert looks_like_events((tmp_path / "events.json").read_bytes())

    fast = load_snapshot(tmp_path).state
    slow = ClusterState.build([p, *events], now=NOW, logs={LogKey("shop", "api-1", "app"): ""})
    for state in (fast, slow):
        api = state.pods("shop")[0]
        got = [
            (e.reason, e.message, e.count, e.type, e.field_path, e.involved.name, e.last_seen)
            for e in state.events_for(api)
        ]
        assert got == [
            ("Pulled", "Container image already present", 1, "Normal", "", "api-1", got[0][6]),
            (
                "BackOff",
                "Back-off restarting failed container",
                12,
                "Warning",
                "spec.containers{app}",
                "api-1",
                got[1][6],
            ),
        ]
        latest = state.latest_event(api, reasons=("BackOff",), field_path="spec.containers{app}")
        assert latest is not None and latest.evidence().location == "Warning BackOff (x12)"
    assert [e.last_seen for e in fast.events()] == [e.last_seen for e in slow.events()]


def test_mixed_lists_take_the_general_path() -> None:
    p = pod("x", "shop")
    mixed = orjson.dumps({"kind": "List", "items": [event(p, "A", "m"), p]})
    assert decode_events(mixed) is None
