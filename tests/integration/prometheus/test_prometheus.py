"""The Prometheus collector against a real HTTP server speaking the Prometheus API (tests/support/
fake_prometheus.py): range and instant queries, result matrices as Samples, incremental collection,
bearer tokens, and a clear PrometheusError for API errors, HTTP errors, timeouts and a dead server.
Also: the metrics watch feeds the queried series to its detectors and its sink."""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubemedic.config import Settings
from kubemedic.domain import InputError
from kubemedic.metrics.prometheus import (
    DEFAULT_QUERIES,
    PrometheusCollector,
    PrometheusError,
    PromQuery,
    load_queries,
)
from kubemedic.metrics.samples import Sample, SeriesId
from tests.support.fake_prometheus import FakePrometheus, running_fake_prometheus

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = 1_800_000_000.0
ERRORS = PromQuery("error_rate", 'sum by (namespace, service) (rate(http_requests_total{code=~"5.."}[5m]))')


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def server() -> Iterator[FakePrometheus]:
    with running_fake_prometheus() as prom:
        yield prom


@pytest.fixture()
def prom(server: FakePrometheus) -> Iterator[FakePrometheus]:
    server.series.clear()
    server.requests.clear()
    server.token, server.delay_s, server.broken = "", 0.0, False
    yield server


async def test_a_range_query_becomes_samples_named_by_query_and_labels(prom: FakePrometheus) -> None:
    prom.series[ERRORS.promql] = [
        ({"namespace": "shop", "service": "cart"}, lambda t: (t - T0) / 1000),
        ({"namespace": "shop", "service": "idle"}, lambda t: math.nan),  # 0/0: no traffic
    ]
    async with PrometheusCollector(prom.url, (ERRORS,), step_s=15, backfill_s=60) as collector:
        samples = await collector.collect(T0)
    cart = SeriesId("error_rate", "Query", "shop", 'error_rate{service="cart"}')
    assert [(s.series, s.timestamp, s.value) for s in samples] == [
        (cart, T0 - 60 + 15 * k, (15 * k - 60) / 1000) for k in range(5)
    ], "NaN points left out"
    (seen,) = prom.requests
    assert seen.path == "/api/v1/query_range" and seen.params["query"] == ERRORS.promql
    assert (seen.params["start"], seen.params["end"], seen.params["step"]) == (
        str(int(T0 - 60)),
        str(int(T0)),
        "15",
    )


async def test_the_next_collection_reads_only_the_new_points(prom: FakePrometheus) -> None:
    prom.series[ERRORS.promql] = [({"service": "cart"}, lambda t: 1.0)]
    async with PrometheusCollector(prom.url, (ERRORS,), step_s=15, backfill_s=60) as collector:
        first = await collector.collect(T0)
        again = await collector.collect(T0 + 10)  # less than a step later: nothing new
        later = await collector.collect(T0 + 31)
    assert len(first) == 5 and again == []
    assert [s.timestamp for s in later] == [T0 + 15, T0 + 30], "no point read twice"
    assert len(prom.requests) == 2


async def test_instant_query_and_bearer_token(prom: FakePrometheus) -> None:
    prom.token = "s3cret"
    prom.series["up"] = [({"job": "api"}, lambda t: 1.0)]
    async with PrometheusCollector(prom.url, (PromQuery("up", "up"),), token="s3cret") as collector:
        (series,) = await collector.query("up", at=T0)
    assert series.labels == {"job": "api"} and series.points == ((T0, 1.0),)
    assert prom.requests[-1].authorization == "Bearer s3cret"
    async with PrometheusCollector(prom.url, (PromQuery("up", "up"),)) as anonymous:
        with pytest.raises(PrometheusError, match="HTTP 401: Unauthorized"):
            await anonymous.query("up")


async def test_api_errors_are_named(prom: FakePrometheus) -> None:
    async with PrometheusCollector(prom.url) as collector:
        with pytest.raises(PrometheusError, match=r"bad_data: 1:4: parse error.*\(HTTP 400\)"):
            await collector.query("sum(((")
        with pytest.raises(PrometheusError, match="bad_data: end timestamp must not be before start time"):
            await collector.query_range("up", T0, T0 - 60, 15)
    prom.broken = True
    async with PrometheusCollector(prom.url) as collector:
        with pytest.raises(
            PrometheusError, match=r"unexpected answer from .*/api/v1/query: HTTP 502: <html>"
        ):
            await collector.query("up")


async def test_timeout_and_unreachable_server(prom: FakePrometheus) -> None:
    prom.delay_s = 0.5
    async with PrometheusCollector(prom.url, timeout_s=0.2) as collector:
        with pytest.raises(PrometheusError, match=f"cannot reach Prometheus at {prom.url}: timed out"):
            await collector.query("up")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, not listening: refused
        async with PrometheusCollector(dead) as collector:
            with pytest.raises(PrometheusError, match=f"cannot reach Prometheus at {dead}: ConnectError"):
                await collector.collect(T0)


async def test_one_failing_query_does_not_hide_the_others(prom: FakePrometheus) -> None:
    prom.series["up"] = [({}, lambda t: 1.0)]
    queries = (PromQuery("broken", "rate(((x"), PromQuery("up", "up"))
    async with PrometheusCollector(prom.url, queries, backfill_s=15) as collector:
        samples = await collector.collect(T0)
        assert {s.series.metric for s in samples} == {"up"}
    async with PrometheusCollector(prom.url, queries[:1]) as collector:
        with pytest.raises(PrometheusError, match="broken: Prometheus answered bad_data"):
            await collector.collect(T0)


def test_queries_from_a_file_and_pairs_bad_ones_named(tmp_path: Path) -> None:
    file = tmp_path / "queries.txt"
    file.write_text(
        "# error ratio per service\nerrors = sum(rate(x[5m]))\n\np99=histogram_quantile(0.99, y)\n"
    )
    got = load_queries(file, "up=up; qps = sum(rate(z[1m]))")
    assert [(q.name, q.promql) for q in got] == [
        ("errors", "sum(rate(x[5m]))"),
        ("p99", "histogram_quantile(0.99, y)"),
        ("up", "up"),
        ("qps", "sum(rate(z[1m]))"),
    ]
    assert load_queries() == DEFAULT_QUERIES
    file.write_text("errors = a\nno equals sign\n")
    with pytest.raises(InputError, match=r"queries.txt:2: expected 'name = PromQL'"):
        load_queries(file)
    with pytest.raises(InputError, match="query 'bad name=up': query name 'bad name'"):
        load_queries(None, "bad name=up")
    with pytest.raises(InputError, match="cannot read Prometheus queries file"):
        load_queries(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="must start with http"):
        PrometheusCollector("prometheus:9090")


async def test_settings_build_the_collector(prom: FakePrometheus, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(prometheus_url="").prometheus() is None
    monkeypatch.setenv("KUBEMEDIC_PROMETHEUS_URL", prom.url)
    monkeypatch.setenv("KUBEMEDIC_PROMETHEUS_TOKEN", "tok")
    monkeypatch.setenv("KUBEMEDIC_PROMETHEUS_QUERIES", "up=up")
    collector = Settings().prometheus()
    assert collector is not None and [q.name for q in collector.queries] == ["up"]
    prom.series["up"] = [({}, lambda t: 1.0)]
    async with collector:
        assert await collector.collect(T0)
    assert prom.requests[-1].authorization == "Bearer tok"


async def test_the_watch_feeds_queried_series_to_its_detectors_and_sink(prom: FakePrometheus) -> None:
    from kubemedic.service.metrics_watch import MetricsWatch
    from kubemedic.state import ClusterState

    # an error rate steady at 1 % for two hours, then 30 % (a bad deploy)
    prom.series[ERRORS.promql] = [
        (
            {"namespace": "shop", "service": "cart"},
            lambda t: 0.01 + 0.0005 * math.sin(t / 97) if t < T0 else 0.3,
        )
    ]
    stored: list[Sample] = []

    async def sink(samples: Sequence[Sample]) -> None:
        stored.extend(samples)

    state = ClusterState.build([], now=datetime.fromtimestamp(T0, UTC)).build_indexes()
    clock = [T0 - 60.0]
    pokes: list[float] = []
    async with PrometheusCollector(prom.url, (ERRORS,), backfill_s=2 * 3600) as collector:
        watch = MetricsWatch(
            _no_pods, lambda: state, lambda: clock[0], prometheus=collector, sink=sink,
            on_alarm=lambda: pokes.append(clock[0]),
        )  # fmt: skip
        await watch.read_once()  # the backfill: 2 h of history, the detectors warm at once
        assert not pokes
        for _ in range(4):
            clock[0] += 15.0
            await watch.read_once()
    assert pokes, "the jump to 30 % raised an alarm"
    titles = [f.title for f in watch.findings(clock[0])]
    assert titles == ['error_rate{service="cart"}: value far outside its usual range']
    queried = [s for s in stored if s.series.kind == "Query"]
    assert len(queried) == 2 * 3600 // 15 + 1 + 4 and queried[-1].value == 0.3, "backfill + 1 per reading"


async def _no_pods() -> list[object]:
    return []
