"""Prometheus HTTP API collector: named PromQL queries -> Samples.

    collector = PrometheusCollector("http://prometheus:9090", DEFAULT_QUERIES, token=None)
    samples = await collector.collect(now)        # every query, since the last call
    matrix = await collector.query_range(promql, start, end, step_s)
    vector = await collector.query(promql, at)

Each configured query (`PromQuery`: a name and its PromQL) is read with `/api/v1/query_range` over the
time since the previous collection (the first one reaches back `backfill_s`, an hour by default, so
the detectors are warm at once), at `step_s` resolution. Every series of the result becomes points of
SeriesId(metric=the query's name, kind="Query", namespace=its `namespace` label or "", name=the query's
name with the other labels rendered `error_rate{job="api",service="cart"}`). "NaN" and infinite
values (a ratio over zero traffic) are left out.

Errors are PrometheusError, naming the query and what went wrong: the server's own `errorType` and
`error` when it answers `status: "error"` (a PromQL syntax error, a timeout), the HTTP status when it
answers something else than the API's JSON, "cannot reach" when the connection fails or times out.
`collect` reads each query on its own: a failing query is logged (once per problem) and the others
still give their samples; it raises only when every query failed.

Queries come from settings (see `load_queries`): a file of `name = PromQL` lines, or `name=PromQL`
pairs separated by `;` in an environment variable; the defaults use the common metric names of
HTTP servers (`http_requests_total` with a `code` label, `http_request_duration_seconds` histograms)
and kubelet's volume stats (`pvc_used_bytes`, `pvc_capacity_bytes` per PVC: metrics/disk_fill.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import structlog

from kubemedic.domain import InputError, KubemedicError
from kubemedic.metrics.samples import PVC_CAPACITY_BYTES, PVC_USED_BYTES, Sample, SeriesId

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_:.-]*$")


class PrometheusError(KubemedicError):
    """A Prometheus query failed: unreachable server, an HTTP error, or an API error answer."""


@dataclass(frozen=True, slots=True)
class PromQuery:
    name: str  # the series' metric name
    promql: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise InputError(f"query name {self.name!r}: use letters, digits, '_', ':', '.', '-'")
        if not self.promql.strip():
            raise InputError(f"query {self.name!r} has no PromQL")


DEFAULT_QUERIES: tuple[PromQuery, ...] = (
    PromQuery(
        "error_rate",
        'sum by (namespace, service) (rate(http_requests_total{code=~"5.."}[5m]))'
        " / sum by (namespace, service) (rate(http_requests_total[5m]))",
    ),
    PromQuery(
        "latency_p99_seconds",
        "histogram_quantile(0.99, sum by (namespace, service, le) "
        "(rate(http_request_duration_seconds_bucket[5m])))",
    ),
    # kubelet's volume stats; `max`, not `sum`: a volume mounted on two nodes is reported by both kubelets
    PromQuery(PVC_USED_BYTES, "max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes)"),
    PromQuery(
        PVC_CAPACITY_BYTES, "max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes)"
    ),
)


@dataclass(frozen=True, slots=True)
class PromSeries:
    """One series of a result: its labels and its (timestamp, value) points (non-finite left out)."""

    labels: Mapping[str, str]
    points: tuple[tuple[float, float], ...]


class PrometheusCollector:
    """A client of one Prometheus server (its own httpx.AsyncClient unless given one); `aclose()`
    it, or use `async with`."""

    def __init__(
        self,
        url: str,
        queries: Sequence[PromQuery] = DEFAULT_QUERIES,
        *,
        token: str | None = None,
        timeout_s: float = 10.0,
        step_s: float = 15.0,
        backfill_s: float = 3600.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise InputError(f"Prometheus URL must start with http:// or https://, got {url!r}")
        if not (timeout_s > 0 and step_s > 0 and backfill_s >= step_s):
            raise InputError("Prometheus timeout and step must be positive and backfill >= step")
        names = [q.name for q in queries]
        if len(set(names)) != len(names):
            raise InputError(f"Prometheus query names must differ: {names}")
        self.url = url.rstrip("/")
        self.queries = tuple(queries)
        self.step_s, self.backfill_s = step_s, backfill_s
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client or httpx.AsyncClient(timeout=timeout_s, headers=headers)
        self._owns_client = client is None
        self._since: dict[str, float] = {}
        self._warned: set[tuple[str, str]] = set()
        self._log = structlog.get_logger("kubemedic.metrics")

    async def __aenter__(self) -> PrometheusCollector:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def query(self, promql: str, at: float | None = None) -> list[PromSeries]:
        """An instant query (`/api/v1/query`), at `at` (epoch seconds) or the server's now."""
        params = {"query": promql} | ({"time": _num(at)} if at is not None else {})
        return _series(await self._get("/api/v1/query", params), promql)

    async def query_range(self, promql: str, start: float, end: float, step_s: float) -> list[PromSeries]:
        """A range query (`/api/v1/query_range`) from `start` to `end` every `step_s` seconds."""
        params = {"query": promql, "start": _num(start), "end": _num(end), "step": _num(step_s)}
        return _series(await self._get("/api/v1/query_range", params), promql)

    async def collect(self, now: float) -> list[Sample]:
        """Every configured query's points since the previous collection (see the module doc)."""
        out: list[Sample] = []
        failed: list[str] = []
        for q in self.queries:
            start = self._since.get(q.name, now - self.backfill_s)
            if start >= now:
                continue
            try:
                found = await self.query_range(q.promql, start, now, self.step_s)
            except PrometheusError as exc:
                failed.append(f"{q.name}: {exc}")
                if (q.name, str(exc)) not in self._warned:
                    self._warned.add((q.name, str(exc)))
                    self._log.warning("prometheus query failed", query=q.name, problem=str(exc))
                continue
            # the next range starts one step after this one's last point: no point twice
            self._since[q.name] = _aligned(start, now, self.step_s) + self.step_s
            for series in found:
                sid = series_id(q.name, series.labels)
                out += [Sample(sid, t, v) for t, v in series.points if t >= start]
        if failed and len(failed) == len(self.queries):
            raise PrometheusError("; ".join(failed))
        return out

    async def _get(self, path: str, params: Mapping[str, str]) -> Any:
        where = self.url + path
        try:
            response = await self._client.get(where, params=params)
        except httpx.TimeoutException:
            raise PrometheusError(f"cannot reach Prometheus at {self.url}: timed out") from None
        except httpx.HTTPError as exc:
            raise PrometheusError(
                f"cannot reach Prometheus at {self.url}: {type(exc).__name__}: {exc}"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("status") == "error":
            kind, error = body.get("errorType", "error"), body.get("error", "")
            raise PrometheusError(f"Prometheus answered {kind}: {error} (HTTP {response.status_code})")
        if response.status_code != 200 or not isinstance(body, dict) or body.get("status") != "success":
            snippet = response.text[:200].strip()
            raise PrometheusError(
                f"unexpected answer from {where}: HTTP {response.status_code}"
                + (f": {snippet}" if snippet else "")
            )
        return body.get("data")


def series_id(name: str, labels: Mapping[str, str]) -> SeriesId:
    """The SeriesId of one result series of query `name` (see the module doc)."""
    shown = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k not in ("namespace", "__name__"))
    return SeriesId(name, "Query", labels.get("namespace", ""), f"{name}{{{shown}}}" if shown else name)


def load_queries(file: Path | None = None, pairs: str = "") -> tuple[PromQuery, ...]:
    """Queries from a file of `name = PromQL` lines (`#` comments and blank lines skipped) and/or
    `name=PromQL` pairs separated by ';'; DEFAULT_QUERIES when neither gives any. InputError names the
    file and line, or the pair, that cannot be read."""
    found: list[PromQuery] = []
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read Prometheus queries file {file}: {exc.strerror}") from None
        for no, line in enumerate(text.splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                found.append(_pair(line, f"{file}:{no}"))
    for part in pairs.split(";"):
        if part.strip():
            found.append(_pair(part, f"query {part.strip()!r}"))
    return tuple(found) or DEFAULT_QUERIES


def _pair(text: str, where: str) -> PromQuery:
    name, sep, promql = text.partition("=")
    if not sep or not name.strip() or not promql.strip():
        raise InputError(f"{where}: expected 'name = PromQL'")
    try:
        return PromQuery(name.strip(), promql.strip())
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def _series(data: Any, promql: str) -> list[PromSeries]:
    """A `matrix`, `vector` or `scalar` result as PromSeries; PrometheusError for anything else."""
    kind = data.get("resultType") if isinstance(data, dict) else None
    result = data.get("result") if isinstance(data, dict) else None
    if kind == "scalar" and isinstance(result, list):
        return [PromSeries({}, _points([result]))]
    if kind not in ("matrix", "vector") or not isinstance(result, list):
        raise PrometheusError(f"query {promql!r}: unexpected result {str(data)[:200]}")
    out = []
    for item in result:
        if not isinstance(item, dict):
            continue
        labels = item.get("metric") or {}
        values = item.get("values") if kind == "matrix" else [item.get("value")]
        out.append(PromSeries({str(k): str(v) for k, v in labels.items()}, _points(values or [])))
    return out


def _points(values: list[Any]) -> tuple[tuple[float, float], ...]:
    out = []
    for pair in values:
        try:
            t, v = float(pair[0]), float(pair[1])
        except (TypeError, ValueError, IndexError):
            continue
        if math.isfinite(t) and math.isfinite(v):
            out.append((t, v))
    return tuple(out)


def _aligned(start: float, end: float, step: float) -> float:
    """The last point of a range query from `start` to `end` every `step` (Prometheus starts at
    `start` and steps while <= end)."""
    return start + math.floor((end - start) / step) * step


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
