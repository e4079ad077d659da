"""A real HTTP server on 127.0.0.1 that answers the Prometheus HTTP API the way Prometheus does.

    with running_fake_prometheus() as prom:
        prom.series["rate(x[5m])"] = [({"service": "cart"}, lambda t: 0.01)]
        ... point a PrometheusCollector at prom.url ...
        assert prom.requests[-1].params["step"] == "15"

`/api/v1/query_range` answers a `matrix` (one point per step from start while <= end) and
`/api/v1/query` a `vector`, for each series registered under the exact PromQL text; a value function
may return NaN or inf (Prometheus sends them as "NaN", "+Inf"). Like Prometheus: an unknown query is
an empty result, a query containing "(((" is HTTP 400 `bad_data`, end before start is HTTP 400
`bad_data`, and a missing parameter too. `token` set: requests without `Authorization: Bearer
<token>` get HTTP 401 text, as an authenticating proxy in front of Prometheus answers. `delay_s` holds
every answer (to test timeouts); `broken` answers HTTP 502 HTML (a gateway with Prometheus down).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.support.asgi_thread import serving

Labels = Mapping[str, str]


@dataclass(frozen=True)
class Seen:
    path: str
    params: Mapping[str, str]
    authorization: str


@dataclass
class FakePrometheus:
    url: str = ""
    series: dict[str, list[tuple[Labels, Callable[[float], float]]]] = field(default_factory=dict)
    token: str = ""
    delay_s: float = 0.0
    broken: bool = False
    requests: list[Seen] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v1/query_range", self._range, methods=["GET", "POST"]),
                Route("/api/v1/query", self._instant, methods=["GET", "POST"]),
            ]
        )

    async def _guard(self, request: Request) -> tuple[dict[str, str], Response | None]:
        params = dict(request.query_params)
        self.requests.append(Seen(request.url.path, params, request.headers.get("authorization", "")))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.broken:
            return params, Response("<html><body>502 Bad Gateway</body></html>", status_code=502)
        if self.token and request.headers.get("authorization") != f"Bearer {self.token}":
            return params, PlainTextResponse("Unauthorized\n", status_code=401)
        if "query" not in params:
            return params, _error("bad_data", 'invalid parameter "query": missing query')
        if "(((" in params["query"]:
            return params, _error("bad_data", '1:4: parse error: unexpected "(" in paren expression')
        return params, None

    async def _range(self, request: Request) -> Response:
        params, refused = await self._guard(request)
        if refused is not None:
            return refused
        try:
            start, end, step = float(params["start"]), float(params["end"]), float(params["step"])
        except (KeyError, ValueError):
            return _error("bad_data", 'invalid parameter "start": cannot parse to a valid timestamp')
        if end < start:
            return _error("bad_data", "end timestamp must not be before start time")
        times = [start + k * step for k in range(int((end - start) // step) + 1)]
        result = [
            {"metric": dict(labels), "values": [[_stamp(t), _value(fn(t))] for t in times]}
            for labels, fn in self.series.get(params["query"], [])
        ]
        return JSONResponse({"status": "success", "data": {"resultType": "matrix", "result": result}})

    async def _instant(self, request: Request) -> Response:
        params, refused = await self._guard(request)
        if refused is not None:
            return refused
        t = float(params.get("time", time.time()))
        result = [
            {"metric": dict(labels), "value": [_stamp(t), _value(fn(t))]}
            for labels, fn in self.series.get(params["query"], [])
        ]
        return JSONResponse({"status": "success", "data": {"resultType": "vector", "result": result}})


def _error(kind: str, message: str) -> Response:
    return JSONResponse({"status": "error", "errorType": kind, "error": message}, status_code=400)


def _stamp(t: float) -> float | int:
    return int(t) if t == int(t) else round(t, 3)


def _value(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v))


@contextmanager
def running_fake_prometheus(startup_timeout: float = 10.0) -> Iterator[FakePrometheus]:
    """Serve a FakePrometheus on a free 127.0.0.1 port in a background thread; stop it on exit."""
    fake = FakePrometheus()
    with serving(fake.app(), "fake-prometheus", startup_timeout) as url:
        fake.url = url
        yield fake
