"""Scan benchmark: 10,000 pods + 50,000 events (issue 3 targets).

    python bench/scan_bench.py [--pods N] [--events N] [--runs 5] [--json]

Each figure is the median of --runs fresh processes:
- bare parse: read + orjson-decode every manifest (garbage collector paused, like the loader) - the floor;
- load: `load_snapshot` (parse + index into a ClusterState);
- analysis: analyzers + correlation, timed inside the scan;
- wall and peak RSS of the whole `kubemedic scan --snapshot DIR -o json` process.
Targets: wall <= 1.5 s, RSS <= 400 MB, analysis <= 20 % of bare parse.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_snapshot import generate

ROOT = Path(__file__).resolve().parent
PY = sys.executable
BARE = """
import gc, sys, time, orjson
from pathlib import Path
gc.disable()
t = time.perf_counter()
for f in sorted(Path(sys.argv[1]).rglob("*.json")):
    orjson.loads(f.read_bytes())
print((time.perf_counter() - t) * 1000)
"""
LOAD = """
import sys, time
from pathlib import Path
from kubemedic.state.snapshot import load_snapshot
t = time.perf_counter()
load_snapshot(Path(sys.argv[1]))
print((time.perf_counter() - t) * 1000)
"""


def _child_ms(code: str, snap: Path) -> float:
    out = subprocess.run([PY, "-c", code, str(snap)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _scan(snap: Path) -> tuple[float, float, float]:
    """(wall s, peak RSS MB, analysis ms) of one full scan process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    out = subprocess.run(
        [PY, "-m", "kubemedic", "scan", "--snapshot", str(snap), "-o", "json"],
        capture_output=True,
        check=True,
    )
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(out.stdout)["summary"]
    return wall, max(peak_kb, before) / 1024, float(summary["analysis_ms"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    snap = ROOT / "out" / f"snap-{args.pods}-{args.events}"
    if not (snap / "snapshot.yaml").exists():
        stats = generate(snap, pods=args.pods, events=args.events)
        print(
            f"generated {stats.pods} pods, {stats.events} events ({stats.broken_pods} broken) in {snap}",
            file=sys.stderr,
        )
    bare = statistics.median(_child_ms(BARE, snap) for _ in range(args.runs))
    load = statistics.median(_child_ms(LOAD, snap) for _ in range(args.runs))
    scans = [_scan(snap) for _ in range(args.runs)]
    wall = statistics.median(s[0] for s in scans)
    rss = max(s[1] for s in scans)
    analysis = statistics.median(s[2] for s in scans)
    figures = {
        "pods": args.pods,
        "events": args.events,
        "runs": args.runs,
        "bare_parse_ms": round(bare, 1),
        "load_ms": round(load, 1),
        "analysis_ms": round(analysis, 1),
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(rss, 1),
        "analysis_over_parse": round(analysis / bare, 3),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
    }
    checks = {
        "wall <= 1.5 s": wall <= 1.5,
        "peak RSS <= 400 MB": rss <= 400,
        "analysis <= 20 % of bare parse": analysis <= 0.2 * bare,
    }
    if args.json:
        print(json.dumps({**figures, "pass": checks}, indent=2))
    else:
        print(
            f"scan benchmark: {args.pods} pods, {args.events} events, "
            f"median of {args.runs} runs ({figures['machine']})"
        )
        print(f"  bare parse   {bare:8.1f} ms")
        print(f"  load         {load:8.1f} ms   (parse + index)")
        print(f"  analysis     {analysis:8.1f} ms   ({100 * analysis / bare:.1f} % of bare parse)")
        print(f"  wall         {wall:8.3f} s    (whole `kubemedic scan -o json` process)")
        print(f"  peak RSS     {rss:8.1f} MB")
        for name, ok in checks.items():
            print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
