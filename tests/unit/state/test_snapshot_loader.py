"""Reading snapshot directories: every layout users produce, and bad input that must not stop the scan."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import yaml

from kubemedic.domain import SnapshotError
from kubemedic.state import LogKey
from kubemedic.state.snapshot import load_snapshot
from tests.factory import configmap, deployment_with_pods, event, namespace, node, pod, service, waiting


def _write_list(path: Path, items: list[dict[str, object]], fmt: str = "json") -> None:
    doc = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_bytes(orjson.dumps(doc))
    else:
        path.write_text(yaml.safe_dump(doc))


def test_reads_lists_single_objects_and_multi_document_yaml(tmp_path: Path) -> None:
    _write_list(tmp_path / "workloads.json", deployment_with_pods("web", "shop", replicas=2))
    _write_list(tmp_path / "nested" / "nodes.yaml", [node("node-1"), node("node-2")], fmt="yaml")
    (tmp_path / "svc.yaml").write_text(yaml.safe_dump(service("web", "shop", selector={"app": "web"})))
    docs = [configmap("a", "shop"), configmap("b", "shop"), namespace("shop")]
    (tmp_path / "multi.yml").write_text(yaml.safe_dump_all(docs))

    loaded = load_snapshot(tmp_path)

    assert loaded.problems == ()
    assert loaded.stats.kinds == {
        "Deployment": 1, "ReplicaSet": 1, "Pod": 2, "Node": 2, "Service": 1, "ConfigMap": 2, "Namespace": 1,
    }  # fmt: skip
    pod_obj = loaded.state.pods("shop")[0]
    assert [o.kind for o in loaded.state.owner_chain(pod_obj)] == ["ReplicaSet", "Deployment"]


def test_unquoted_yaml_timestamps_stay_strings(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: default\n"
        "  creationTimestamp: 2026-11-24T10:00:00Z\nstatus:\n  phase: Running\n"
    )
    loaded = load_snapshot(tmp_path)
    created = loaded.state.pods()[0].created
    assert created is not None and created.isoformat() == "2026-11-24T10:00:00+00:00"


def test_bad_file_is_reported_with_line_and_the_rest_is_scanned(tmp_path: Path) -> None:
    _write_list(tmp_path / "ok.json", [node("node-1")])
    (tmp_path / "broken.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: : indent\n"
    )
    (tmp_path / "broken.json").write_text('{"apiVersion": "v1",\n "kind": "Pod",\n "metadata": {,}}')

    loaded = load_snapshot(tmp_path)

    assert loaded.stats.kinds == {"Node": 1}
    by_file = {p.path.name: p for p in loaded.problems}
    assert set(by_file) == {"broken.yaml", "broken.json"}
    assert by_file["broken.yaml"].line == 5
    assert by_file["broken.json"].line == 3
    assert "broken.json:3" in str(by_file["broken.json"])


def test_nothing_readable_is_an_error_naming_the_problems(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("kind: [unclosed\n")
    with pytest.raises(SnapshotError) as err:
        load_snapshot(tmp_path)
    assert "no Kubernetes objects" in str(err.value)
    assert err.value.problems and err.value.problems[0].path.name == "broken.yaml"


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="does not exist"):
        load_snapshot(tmp_path / "nope")


def test_unknown_kinds_are_counted_not_fatal(tmp_path: Path) -> None:
    crd = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": "c", "namespace": "a"},
    }
    _write_list(
        tmp_path / "all.json", [node("node-1"), crd, crd | {"metadata": {"name": "d", "namespace": "a"}}]
    )
    (tmp_path / "notes.yaml").write_text("just: some config\n")
    loaded = load_snapshot(tmp_path)
    assert loaded.stats.unknown_kinds == {"Certificate": 2}
    assert loaded.stats.other_documents == 1


def test_captured_at_from_snapshot_yaml_is_now(tmp_path: Path) -> None:
    _write_list(tmp_path / "nodes.json", [node("node-1")])
    (tmp_path / "snapshot.yaml").write_text("capturedAt: '2026-11-25T08:30:00Z'\n")
    loaded = load_snapshot(tmp_path)
    assert loaded.state.now.isoformat() == "2026-11-25T08:30:00+00:00"
    assert loaded.captured_at_source == "capturedAt"


def test_bad_captured_at_is_reported_and_newest_timestamp_used(tmp_path: Path) -> None:
    p = pod("p", "default", age=600)
    _write_list(tmp_path / "pods.json", [p, event(p, "BackOff", "Back-off restarting", ago=5)])
    (tmp_path / "snapshot.yaml").write_text("capturedAt: yesterday\n")
    loaded = load_snapshot(tmp_path)
    assert loaded.captured_at_source == "newest-timestamp"
    assert loaded.state.now.isoformat() == "2026-11-24T11:59:55+00:00"
    assert any("capturedAt" in prob.message for prob in loaded.problems)


def test_our_log_layout(tmp_path: Path) -> None:
    _write_list(tmp_path / "pods.json", [pod("api-1", "shop")])
    logs = tmp_path / "logs" / "shop" / "api-1"
    logs.mkdir(parents=True)
    (logs / "app.log").write_text("listening on :8080\n")
    (logs / "app.previous.log").write_text("panic: boom\n")
    loaded = load_snapshot(tmp_path)
    api = loaded.state.pods("shop")[0]
    assert loaded.state.logs(api, "app") == "listening on :8080\n"
    assert loaded.state.logs(api, "app", previous=True) == "panic: boom\n"


def test_cluster_info_dump_layout(tmp_path: Path) -> None:
    """`kubectl cluster-info dump --output-directory`: nodes.json, <ns>/<kind>.json lists without item
    kinds, and <ns>/<pod>/logs.txt with every container between START/END markers."""
    crash = pod("api-1", "shop", statuses=[])
    crash["status"]["containerStatuses"] = [{"name": "app", "ready": False, "restartCount": 3,
                                              "state": waiting("CrashLoopBackOff")}]  # fmt: skip
    items = [crash]
    for item in items:
        item.pop("kind")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "pods.json").write_bytes(
        orjson.dumps({"kind": "PodList", "apiVersion": "v1", "items": items})
    )
    (tmp_path / "nodes.json").write_bytes(
        orjson.dumps({"kind": "NodeList", "apiVersion": "v1", "items": [node()]})
    )
    (tmp_path / "shop" / "api-1").mkdir()
    (tmp_path / "shop" / "api-1" / "logs.txt").write_text(
        "==== START logs for container app of pod shop/api-1 ====\n"
        "Error: connect ECONNREFUSED 10.96.0.5:5432\n"
        "==== END logs for container app of pod shop/api-1 ====\n"
        "==== START logs for container sidecar of pod shop/api-1 ====\n"
        "ok\n"
        "==== END logs for container sidecar of pod shop/api-1 ====\n"
    )
    loaded = load_snapshot(tmp_path)
    assert loaded.stats.kinds == {"Pod": 1, "Node": 1}
    api = loaded.state.pods("shop")[0]
    assert api.container_statuses[0].state.reason == "CrashLoopBackOff"
    assert loaded.state.logs(api, "app") == "Error: connect ECONNREFUSED 10.96.0.5:5432"
    assert loaded.state.logs(api, "sidecar") == "ok"
    assert loaded.stats.logs == 2
    assert LogKey("shop", "api-1", "app") in loaded.state._logs
