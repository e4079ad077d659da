"""The metrics collector's bookkeeping: a series per container and metric, the limit from the pod
spec, a leak becoming an anomaly finding with an ETA on the Deployment, bad readings skipped and
logged without stopping the collection."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog

from kubemedic.cluster.metrics_api import parse_pod_metrics
from kubemedic.domain import Finding
from kubemedic.metrics.collect import CPU, MEMORY, CollectorSettings, MetricsCollector, SeriesKey
from kubemedic.metrics.quantity import quantity
from kubemedic.state import ClusterState
from kubemedic.state.usage import ContainerUsage, PodUsage

BOTH = CollectorSettings(metrics=(MEMORY, CPU))  # memory and CPU series (serve follows memory only)

MI = 1024 * 1024
T0 = 1_800_000_000.0


def _state(*, limit: str | None = "256Mi", pods: tuple[str, ...] = ("cache-7d9f-x1",)) -> ClusterState:
    raws: list[dict[str, Any]] = [
        {"kind": "Deployment", "metadata": {"name": "cache", "namespace": "shop", "uid": "d1"}, "spec": {}},
        {
            "kind": "ReplicaSet",
            "metadata": {
                "name": "cache-7d9f",
                "namespace": "shop",
                "uid": "r1",
                "ownerReferences": [{"kind": "Deployment", "name": "cache", "uid": "d1", "controller": True}],
            },
            "spec": {},
        },
    ]
    resources: dict[str, Any] = {"requests": {"memory": "64Mi"}}
    if limit is not None:
        resources["limits"] = {"memory": limit, "cpu": "500m"}
    for name in pods:
        raws.append(
            {
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": "shop",
                    "uid": f"p-{name}",
                    "ownerReferences": [
                        {"kind": "ReplicaSet", "name": "cache-7d9f", "uid": "r1", "controller": True}
                    ],
                },
                "spec": {"containers": [{"name": "cache", "image": "cache:1", "resources": resources}]},
                "status": {"phase": "Running"},
            }
        )
    return ClusterState.build(raws, now=datetime.fromtimestamp(T0, UTC)).build_indexes()


def _reading(memory: str, cpu: str = "20m", pod: str = "cache-7d9f-x1") -> list[PodUsage]:
    return [PodUsage("shop", pod, "", (ContainerUsage("cache", cpu, memory),))]


def test_quantities_in_base_units() -> None:
    assert quantity("81401Ki") == 81401 * 1024 and quantity("250m") == 0.25
    assert quantity("2Gi") == 2 * 1024**3 and quantity("1e3") == 1000.0
    with pytest.raises(ValueError, match="'12 MB'"):
        quantity("12 MB")


def test_one_series_per_container_and_metric_with_the_limit_from_the_spec() -> None:
    collector = MetricsCollector(BOTH)
    seen = collector.observe(_reading("100Mi", "20m"), _state(), T0)
    assert (seen.points, seen.skipped, seen.alarms) == (2, 0, ())
    mem = SeriesKey("shop", "cache-7d9f-x1", "cache", MEMORY)
    cpu = SeriesKey("shop", "cache-7d9f-x1", "cache", CPU)
    assert set(collector.series) == {mem, cpu}
    assert collector.limit(mem) == 256 * MI and collector.limit(cpu) == 0.5


def test_no_limit_in_the_spec_means_no_eta_limit() -> None:
    collector = MetricsCollector(BOTH)
    collector.observe(_reading("100Mi"), _state(limit=None), T0)
    assert collector.limit(SeriesKey("shop", "cache-7d9f-x1", "cache", MEMORY)) is None


def test_a_leak_becomes_an_anomaly_error_with_an_eta_on_the_deployment() -> None:
    rng = random.Random(3)
    collector = MetricsCollector(BOTH)
    state = _state()
    alarms: list[Finding] = []
    t = T0
    for i in range(601):  # one point a second: 300 s steady at 80Mi, then +0.5 Mi/s towards 256Mi
        t = T0 + i
        mem = 80 * MI + max(0, i - 300) * MI / 2 + rng.gauss(0, 0.4 * MI)
        alarms += collector.observe(_reading(f"{int(mem)}", "20m"), state, t).alarms
    assert alarms, "the leak raised an alarm"
    first = alarms[0]
    assert first.category == "anomaly" and first.severity.value == "error"
    assert first.object.kind == "Deployment" and first.object.name == "cache"
    assert first.title == "memory of cache-7d9f-x1/cache: heading for its limit"
    assert "reaches the limit in" in first.message and "reaches its limit in" in first.remediation
    (current,) = collector.findings(t)
    assert current.id == first.id and current.message != first.message, "refreshed with the newer ETA"
    # at the end, 300 s into the climb (230Mi), the limit is 26Mi = 52 s away: the latest ETA says so
    eta = re.search(r"reaches the limit in (\d+) s", current.message)
    assert eta is not None and 45 <= int(eta[1]) <= 60, current.message
    assert collector.findings(t + 3601) == (), "an alarm is held for hold_seconds, then dropped"


def test_steady_usage_raises_nothing() -> None:
    rng = random.Random(5)
    collector = MetricsCollector(BOTH)
    state = _state()
    for i in range(600):
        mem = 80 * MI + rng.gauss(0, 0.4 * MI)
        assert not collector.observe(_reading(f"{int(mem)}"), state, T0 + i).alarms
    assert collector.findings(T0 + 600) == ()


def test_bad_quantity_and_unknown_pod_are_skipped_and_logged_once() -> None:
    collector = MetricsCollector(BOTH)
    state = _state()
    with structlog.testing.capture_logs() as logs:
        for i in range(3):
            seen = collector.observe(
                [*_reading("lots"), PodUsage("shop", "ghost-1", "", (ContainerUsage("c", "1m", "1Mi"),))],
                state,
                T0 + i,
            )
            assert (seen.points, seen.skipped) == (1 if i == 0 else 0, 2)  # cpu read once: same scrape
    problems = [e for e in logs if e["log_level"] == "warning"]
    assert len(problems) == 2, problems
    assert any("not a Kubernetes quantity: 'lots'" in e["problem"] for e in problems)
    assert any(e["series"] == "pod ghost-1" and "not in the cluster state" in e["problem"] for e in problems)


def test_series_of_pods_that_left_are_dropped_and_a_clock_step_back_is_ignored() -> None:
    collector = MetricsCollector(BOTH)
    both = _state(pods=("cache-7d9f-x1", "cache-7d9f-x2"))
    collector.observe([*_reading("1Mi"), *_reading("1Mi", pod="cache-7d9f-x2")], both, T0)
    assert len(collector.series) == 4
    seen = collector.observe(_reading("2Mi", "30m"), _state(), T0 - 5)  # x2 deleted; clock went back
    assert seen.points == 0 and len(collector.series) == 2
    assert collector.observe(_reading("2Mi", "30m"), _state(), T0 + 1).points == 2


def test_the_same_scrape_read_again_is_not_a_new_point() -> None:
    collector = MetricsCollector(BOTH)
    state = _state()
    assert collector.observe(_reading("100Mi", "20m"), state, T0).points == 2
    assert collector.observe(_reading("100Mi", "20m"), state, T0 + 1).points == 0
    assert collector.observe(_reading("101Mi", "20m"), state, T0 + 2).points == 1


def test_settings_and_api_body_are_checked() -> None:
    with pytest.raises(ValueError, match="hold_seconds"):
        CollectorSettings(hold_seconds=0)
    with pytest.raises(ValueError, match="confirm_points"):
        CollectorSettings(confirm_points=0)
    body = {
        "items": [
            {"metadata": {"name": "a", "namespace": "n"}, "timestamp": "t",
             "containers": [{"name": "c", "usage": {"cpu": "1m", "memory": "2Ki"}}, {"usage": {}}]},
            {"metadata": {}},
            "junk",
        ]
    }  # fmt: skip
    assert parse_pod_metrics(body) == [PodUsage("n", "a", "t", (ContainerUsage("c", "1m", "2Ki"),))]
    assert parse_pod_metrics({"kind": "Status"}) == [] and parse_pod_metrics(None) == []


def test_a_leak_from_the_start_is_foretold_before_each_oom_kill() -> None:
    """Climbing since its start, the series never looks unusual to the trend test: the imminent-
    limit rule still raises one alarm per life, about an hour (the window's span) before the kill."""
    rng = random.Random(7)
    collector = MetricsCollector(BOTH)
    state = _state()
    life = 3 * 3600  # 80Mi at each start, 256Mi (the limit, the kill) 3 h later; points every 15 s
    alarms: list[tuple[float, Finding]] = []
    for i in range(2 * life // 15):
        t = 15.0 * i
        mem = 80 * MI + 176 * MI * (t % life) / life + rng.gauss(0, 1.0 * MI)
        alarms += [(t, f) for f in collector.observe(_reading(str(int(mem))), state, T0 + t).alarms]
    assert [round((life - t % life) / 3600, 1) for t, _ in alarms] == [1.0, 1.0], "1 h before each kill"
    assert all(f.severity.value == "error" and "reaches the limit in 59 min" in f.message for _, f in alarms)


def test_noise_near_its_limit_is_not_a_leak() -> None:
    rng = random.Random(11)
    collector = MetricsCollector(BOTH)
    state = _state()
    for i in range(5760):  # a day of 15 s points at 230Mi +- 3 %, its limit 256Mi
        mem = 230 * MI * (1 + rng.gauss(0, 0.03))
        assert not collector.observe(_reading(str(int(mem))), state, T0 + 15 * i).alarms


def test_serve_follows_memory_only_by_default_and_names_unknown_metrics() -> None:
    collector = MetricsCollector()
    collector.observe(_reading("100Mi", "20m"), _state(), T0)
    assert {k.metric for k in collector.series} == {MEMORY}
    with pytest.raises(ValueError, match="unknown metrics"):
        CollectorSettings(metrics=("disk",))
