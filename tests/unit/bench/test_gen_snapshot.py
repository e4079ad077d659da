"""The synthetic snapshot generator writes what the loader reads, shaped like a real capture."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest
from bench.gen_snapshot import CAPTURED_AT, GenStats, generate

from kubemedic.state import ClusterState, KubeObject, LabelSelector, Pod
from kubemedic.state.snapshot import LoadedSnapshot, load_snapshot

PODS, EVENTS = 300, 1_500


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenStats, LoadedSnapshot]:
    out = tmp_path_factory.mktemp("snap")
    stats = generate(out, pods=PODS, events=EVENTS, broken_fraction=0.05, seed=11)
    return out, stats, load_snapshot(out)


def test_counts_match_the_request(generated: tuple[Path, GenStats, LoadedSnapshot]) -> None:
    _, stats, loaded = generated
    assert loaded.problems == ()
    assert loaded.captured_at_source == "capturedAt"
    assert loaded.state.now.strftime("%Y-%m-%dT%H:%M:%SZ") == CAPTURED_AT
    kinds = loaded.stats.kinds
    assert kinds["Pod"] == stats.pods == PODS
    assert kinds["Event"] == stats.events == EVENTS
    assert loaded.stats.unknown_kinds == {}
    for kind in (
        "Node", "Namespace", "Deployment", "ReplicaSet", "Service", "Endpoints", "ConfigMap", "Secret",
        "StatefulSet", "DaemonSet", "Job", "CronJob", "PersistentVolumeClaim", "Ingress",
        "HorizontalPodAutoscaler", "PodDisruptionBudget",
    ):  # fmt: skip
        assert kinds.get(kind, 0) > 0, kind
    assert kinds["Node"] >= PODS // 50


def test_files_are_kubectl_lists(generated: tuple[Path, GenStats, LoadedSnapshot]) -> None:
    out, stats, _ = generated
    files = sorted(p.name for p in out.glob("*.json"))
    assert len(files) == stats.files
    assert {"nodes.json", "pods.json", "events.json", "secrets.json", "endpoints.json"} <= set(files)
    for name in files:
        doc = orjson.loads((out / name).read_bytes())
        assert doc["kind"] == "List" and doc["apiVersion"] == "v1"
        assert doc["metadata"] == {"resourceVersion": ""}
        for item in doc["items"]:
            meta = item["metadata"]
            assert meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"], (name, meta)
    secrets = orjson.loads((out / "secrets.json").read_bytes())["items"]
    assert all(value == "" for s in secrets for value in s["data"].values())  # values stripped


def test_pods_resolve_to_their_workloads(generated: tuple[Path, GenStats, LoadedSnapshot]) -> None:
    state = generated[2].state
    chains = Counter(tuple(o.kind for o in state.owner_chain(p)) for p in state.pods())
    assert sum(chains.values()) == PODS
    assert chains[("ReplicaSet", "Deployment")] > PODS * 0.8
    assert set(chains) <= {
        ("ReplicaSet", "Deployment"),
        ("DaemonSet",),
        ("StatefulSet",),
        ("Job",),
        ("Job", "CronJob"),
    }
    for dep in state.objects("Deployment"):
        pods = state.pods_of(dep)
        assert pods and all(p.namespace == dep.namespace for p in pods)
        assert dep.spec_selector().matches(pods[0].labels)
    nodes = {n.name for n in state.objects("Node")}
    assert all(p.node_name in nodes for p in state.pods() if p.node_name)
    assert len({p.namespace for p in state.pods()}) >= 20


def _broken(state: ClusterState) -> list[Pod]:
    return [p for p in state.pods() if p.phase != "Succeeded" and not p.is_ready]


def test_broken_fraction_is_roughly_respected(generated: tuple[Path, GenStats, LoadedSnapshot]) -> None:
    _, stats, loaded = generated
    assert stats.broken_pods == len(_broken(loaded.state))
    assert 0.6 * PODS * 0.05 <= stats.broken_pods <= 1.4 * PODS * 0.05
    assert set(stats.broken_by_kind) >= {"crash", "pull", "oom", "config", "probe", "pending", "job"}


def test_broken_pods_carry_the_evidence(generated: tuple[Path, GenStats, LoadedSnapshot]) -> None:
    state = generated[2].state
    seen: Counter[str] = Counter()
    for pod in _broken(state):
        warnings = [e for e in state.events_for(pod) if e.is_warning]
        waiting = {s.state.reason for s in pod.container_statuses if s.state.state == "waiting"}
        if "CrashLoopBackOff" in waiting:
            last = pod.container_statuses[0].last_state
            assert last.state == "terminated"
            if last.reason == "OOMKilled":
                seen["oom"] += 1
                assert last.exit_code == 137
            else:
                seen["crash"] += 1
                assert last.exit_code == 1
                previous = state.logs(pod, pod.container_statuses[0].name, previous=True)
                assert previous and "connect: connection refused" in previous
            assert any(e.reason == "BackOff" for e in warnings)
        elif "ImagePullBackOff" in waiting:
            seen["pull"] += 1
            assert any("code = NotFound" in e.message and e.field_path for e in warnings)
        elif "CreateContainerConfigError" in waiting:
            seen["config"] += 1
            assert any('configmap "' in e.message and "not found" in e.message for e in warnings)
        elif pod.phase == "Pending":
            seen["pending"] += 1
            event = state.latest_event(pod, reasons=["FailedScheduling"])
            assert event and event.source_component == "default-scheduler"
            assert "Insufficient memory" in event.message
        elif pod.phase == "Failed":
            seen["job"] += 1
        else:
            seen["probe"] += 1
            assert any(e.reason == "Unhealthy" for e in warnings)
    assert all(seen[k] for k in ("crash", "oom", "pull", "config", "pending", "probe", "job")), seen
    assert state.log_count == generated[1].logs


def test_events_attach_to_their_objects(generated: tuple[Path, GenStats, LoadedSnapshot]) -> None:
    state = generated[2].state
    events = state.events()
    warnings = [e for e in events if e.is_warning]
    assert warnings and len(warnings) < len(events) * 0.2  # most events are Normal
    for event in warnings:
        assert state.by_uid(event.involved.uid) is not None, event
        assert event.count >= 1 and event.last_seen is not None and event.source_component
    attached = sum(state.by_uid(e.involved.uid) is not None for e in events)
    assert attached > len(events) * 0.8  # the rest are about pods a rollout deleted
    reasons = Counter(e.reason for e in events)
    for reason in ("Scheduled", "Pulled", "Created", "Started", "SuccessfulCreate", "ScalingReplicaSet"):
        assert reasons[reason] > 0, reason
    assert any(e.reason == "BackoffLimitExceeded" for e in warnings)


def test_a_service_selects_nothing(generated: tuple[Path, GenStats, LoadedSnapshot]) -> None:
    state = generated[2].state

    def selects(svc: KubeObject) -> bool:
        return bool(state.select_pods(svc.namespace, LabelSelector.from_map(svc.spec["selector"])))

    empty = [s for s in state.objects("Service") if s.spec.get("selector") and not selects(s)]
    assert [s.name for s in empty] == ["legacy-frontend"]


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, pods=120, events=400, seed=3)
    generate(b, pods=120, events=400, seed=3)
    generate(c, pods=120, events=400, seed=4)
    assert (a / "pods.json").read_bytes() == (b / "pods.json").read_bytes()
    assert (a / "events.json").read_bytes() == (b / "events.json").read_bytes()
    assert (a / "pods.json").read_bytes() != (c / "pods.json").read_bytes()


def test_tiny_snapshots_still_load(tmp_path: Path) -> None:
    stats = generate(tmp_path, pods=12, events=30, seed=1)
    loaded = load_snapshot(tmp_path)
    assert loaded.problems == ()
    assert loaded.stats.kinds["Pod"] == stats.pods == 12
    assert loaded.stats.kinds["Event"] == stats.events >= 30
