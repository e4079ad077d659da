"""What the watcher process tells the API process, on the wire."""

from __future__ import annotations

import orjson

from kubemedic.api.notice import ScanNotice, WatcherStatus, change_line, scan_line, status_line
from kubemedic.cluster.reflector import Change


def test_a_secret_crosses_with_its_key_names_only() -> None:
    raw = {"metadata": {"name": "db", "namespace": "shop"}, "data": {"password": "aHVudGVyMg=="}}
    line = change_line(Change("MODIFIED", "Secret", raw))
    assert b"aHVudGVyMg==" not in line
    message = orjson.loads(line)
    assert message == {
        "t": "change",
        "kind": "Secret",
        "type": "MODIFIED",
        "object": {"metadata": {"name": "db", "namespace": "shop"}, "data": {"password": ""}},
    }
    assert raw["data"] == {"password": "aHVudGVyMg=="}, "the watcher's own copy is not edited"


def test_kubectls_last_applied_copy_is_dropped_from_the_message_only() -> None:
    applied = '{"data": {"password": "aHVudGVyMg=="}}'
    annotations = {"kubectl.kubernetes.io/last-applied-configuration": applied, "team": "db"}
    raw = {"metadata": {"name": "db", "annotations": annotations}, "data": {"password": "aHVudGVyMg=="}}
    line = change_line(Change("ADDED", "Secret", raw))
    assert b"aHVudGVyMg==" not in line
    assert orjson.loads(line)["object"]["metadata"]["annotations"] == {"team": "db"}
    assert "kubectl.kubernetes.io/last-applied-configuration" in raw["metadata"]["annotations"], "left as is"


def test_other_objects_cross_whole() -> None:
    raw = {"metadata": {"name": "web"}, "data": {"mode": "fast"}}
    assert orjson.loads(change_line(Change("ADDED", "ConfigMap", raw)))["object"] == raw


def test_scan_and_status_round_trip() -> None:
    notice = ScanNotice(
        cluster="sim",
        took_ms=41.5,
        changes=7,
        full=False,
        scope=120,
        findings=2,
        opened=({"id": "a1", "cluster": "sim", "evidence": [{"source": "event"}]},),
        resolved=("b2",),
        by_severity={"error": 2},
        reconnects=1,
        relists=0,
        steps_ms={"state": 3.0, "analysis": 30.5},
    )
    assert ScanNotice.parse(orjson.loads(scan_line(notice))) == notice
    status = WatcherStatus(True, "sim", True, {"connected": True, "errors": {}}, scans=4, terms=1)
    assert WatcherStatus.parse(orjson.loads(status_line(status))) == status
