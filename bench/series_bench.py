"""What storing metric series costs: one reading of N pods x 1 metric written through SeriesStore.write.

    python bench/series_bench.py [--pods 5000] [--readings 48] [--backend sqlite|postgresql|both]

A reading is N samples sharing one timestamp, 15 s apart (serve's metrics interval). Each write inserts
the raw points and recomputes the touched 1-minute and 10-minute buckets (see store/series.py), so the
later readings of a 10-minute window re-aggregate up to ten 1-minute rows per series: the figure that
matters is the steady state, reported as the median and the worst of the readings after the first. The
first reading also creates the N catalogue rows ("cold"). Then it times a query: 1 series over the
whole run at each resolution, and a purge of everything older than the middle of the run.
PostgreSQL: $KUBEMEDIC_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test), in a fresh schema.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from kubemedic.metrics.samples import MEMORY_BYTES, Sample, SeriesId
from kubemedic.store import Store
from kubemedic.store.series import Resolution

PG_DSN = os.environ.get("KUBEMEDIC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
T0 = datetime(2026, 11, 30, 12, 0, 3, tzinfo=UTC).timestamp()


def reading(series: list[SeriesId], at: float, rng: random.Random) -> list[Sample]:
    return [Sample(s, at, 200e6 + rng.random() * 50e6) for s in series]


async def run(store: Store, pods: int, readings: int, slice_: int = 0) -> dict[str, float]:
    rng = random.Random(7)
    series = [SeriesId(MEMORY_BYTES, "Pod", f"ns-{i % 50}", f"pod-{i}", "app") for i in range(pods)]
    times: list[float] = []
    for n in range(readings):
        batch = reading(series, T0 + 15 * n, rng)
        step = slice_ or len(batch)  # serve's sink writes a reading in slices (SINK_SLICE)
        start = time.perf_counter()
        written = 0
        for first in range(0, len(batch), step):
            result = await store.series.write("bench", batch[first : first + step])
            written += result.written
            assert not result.rejected
        times.append(time.perf_counter() - start)
        assert written == pods
    found = await store.series.catalogue(cluster="bench", name="pod-1")
    ids = [found.items[0].id]
    since = datetime.fromtimestamp(T0 - 600, UTC)
    until = datetime.fromtimestamp(T0 + 15 * readings + 600, UTC)
    query: dict[str, float] = {}
    for resolution in Resolution:
        start = time.perf_counter()
        points = await store.series.points(ids, resolution, since, until)
        query[resolution.value] = time.perf_counter() - start
        assert points[ids[0]]
    middle = datetime.fromtimestamp(T0 + 15 * readings / 2, UTC)
    start = time.perf_counter()
    await store.series.purge(raw_before=middle, minute_before=middle, ten_before=middle)
    purge = time.perf_counter() - start
    steady = times[1:]
    return {
        "cold": times[0],
        "median": statistics.median(steady),
        "worst": max(steady),
        "query_raw": query["raw"],
        "query_1m": query["1m"],
        "query_10m": query["10m"],
        "purge": purge,
    }


async def sqlite(pods: int, readings: int, slice_: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with Store.open(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}") as store:
            return await run(store, pods, readings, slice_)


async def postgresql(pods: int, readings: int, slice_: int) -> dict[str, float]:
    schema = f"kmbench_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_DSN)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()
    url = PG_DSN.replace("postgresql://", "postgresql+asyncpg://")
    try:
        store = Store.open(url, connect_args={"server_settings": {"search_path": schema}})
        async with store:
            return await run(store, pods, readings, slice_)
    finally:
        conn = await asyncpg.connect(PG_DSN)
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--readings", type=int, default=48, help="15 s apart (48 = 12 minutes)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--slice", type=int, default=0, help="write each reading N samples at a time (serve's sink: 250)"
    )
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    span = timedelta(seconds=15 * args.readings)
    sliced = f", written {args.slice} at a time" if args.slice else ""
    print(f"{args.pods} samples per reading{sliced}, {args.readings} readings ({span})")
    for name in backends:
        backend = sqlite if name == "sqlite" else postgresql
        figures = asyncio.run(backend(args.pods, args.readings, args.slice))
        shown = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in figures.items())
        print(f"{name:10} {shown}")


if __name__ == "__main__":
    main()
