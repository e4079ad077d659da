"""Scan benchmark: how long `kubemedic scan` takes on 10,000 pods + 50,000 events, and how much memory.

    python bench/scan_bench.py [--pods N] [--events N] [--runs 5] [--snapshot DIR] [--json]

The snapshot is generated into bench/out/ (gitignored) by bench/gen_snapshot.py unless it is there
already or --snapshot names one. Every figure is the median of --runs fresh interpreters:

- bare parse: read and decode every manifest file (orjson; yaml CSafeLoader), nothing else - the floor;
- load:       `load_snapshot(DIR)` - parse and index into a ClusterState;
- analysis:   `run_analyzers(state)` + `correlate(state, findings)`, timed after loading;
- wall:       the whole `kubemedic scan --snapshot DIR --output json > /dev/null` process, interpreter
              start included (if the CLI is missing: a fresh interpreter doing load + analysis);
- peak RSS:   the largest ru_maxrss of those scan processes.

Targets: wall <= 1.5 s, peak RSS <= 400 MB, analysis <= 20 % of bare parse.
Exit code 0 when every target passes, 1 otherwise. Pure stdlib + kubemedic.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
TARGET_WALL_S = 1.5
TARGET_RSS_MB = 400.0
TARGET_ANALYSIS_OVER_PARSE = 0.20

# Each child prints one JSON line on stdout.
BARE_PARSE = """
import gc, json, sys, time
from pathlib import Path
import orjson, yaml
gc.disable()  # the loader pauses the collector too; this is the floor, so do the same
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
t = time.perf_counter()
n = 0
for f in sorted(Path(sys.argv[1]).rglob("*")):
    if "logs" in f.relative_to(sys.argv[1]).parts[:1] or not f.is_file():
        continue
    if f.suffix == ".json":
        orjson.loads(f.read_bytes()); n += 1
    elif f.suffix in (".yaml", ".yml"):
        list(yaml.load_all(f.read_bytes(), Loader=loader)); n += 1
print(json.dumps({"ms": (time.perf_counter() - t) * 1000, "files": n}))
"""
LOAD = """
import json, sys, time
from pathlib import Path
from kubemedic.state.snapshot import load_snapshot
t = time.perf_counter()
loaded = load_snapshot(Path(sys.argv[1]))
ms = (time.perf_counter() - t) * 1000
kinds = loaded.stats.kinds
print(json.dumps({"ms": ms, "objects": loaded.stats.objects, "problems": len(loaded.problems),
                  "pods": kinds.get("Pod", 0), "events": kinds.get("Event", 0)}))
"""
ANALYSIS = """
import json, sys, time
from pathlib import Path
from kubemedic.state.snapshot import load_snapshot
from kubemedic.analyzers.run import run_analyzers
try:
    from kubemedic.correlate import correlate
except ImportError:
    correlate = None
t0 = time.perf_counter()
state = load_snapshot(Path(sys.argv[1])).state
t = time.perf_counter()
findings = run_analyzers(state)
incidents = len(correlate(state, findings).incidents) if correlate else 0
ms = (time.perf_counter() - t) * 1000
print(json.dumps({"ms": ms, "load_ms": (t - t0) * 1000, "findings": len(findings), "incidents": incidents,
                  "correlation": correlate is not None}))
"""
# Runs one scan as a child and reports its wall time and peak RSS (only that child is waited for).
SCAN_WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": wall, "rss_mb": rss_kb / 1024, "code": done.returncode,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""
FALLBACK_SCAN = """
import sys
from pathlib import Path
from kubemedic.state.snapshot import load_snapshot
from kubemedic.analyzers.run import run_analyzers
try:
    from kubemedic.correlate import correlate
except ImportError:
    correlate = None
state = load_snapshot(Path(sys.argv[1])).state
findings = run_analyzers(state)
if correlate:
    correlate(state, findings)
"""


@dataclass(frozen=True)
class Figures:
    pods: int
    events: int
    runs: int
    snapshot: str
    snapshot_mb: float
    bare_parse_ms: float
    load_ms: float
    analysis_ms: float
    analysis_over_parse: float
    wall_s: float
    peak_rss_mb: float
    scan_command: str
    findings: int
    incidents: int
    correlation: bool
    machine: str

    def checks(self) -> dict[str, bool]:
        return {
            f"wall <= {TARGET_WALL_S} s": self.wall_s <= TARGET_WALL_S,
            f"peak RSS <= {TARGET_RSS_MB:.0f} MB": self.peak_rss_mb <= TARGET_RSS_MB,
            f"analysis <= {TARGET_ANALYSIS_OVER_PARSE:.0%} of bare parse": self.analysis_over_parse
            <= TARGET_ANALYSIS_OVER_PARSE,
        }


class BenchError(RuntimeError):
    pass


def _child(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"benchmark child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(result, dict)
    return result


def _num(result: dict[str, object], key: str) -> float:
    value = result[key]
    assert isinstance(value, int | float)
    return float(value)


def scan_command(snapshot: Path) -> tuple[list[str], str]:
    """The whole-process scan to time: the `kubemedic` CLI when it has a scan command, else a fallback."""
    exe = shutil.which("kubemedic", path=str(Path(PY).parent)) or shutil.which("kubemedic")
    base = [exe] if exe else [PY, "-m", "kubemedic"]
    probe = subprocess.run([*base, "scan", "--help"], capture_output=True, text=True)
    if probe.returncode == 0 and "--snapshot" in probe.stdout:
        argv = [*base, "scan", "--snapshot", str(snapshot), "--output", "json"]
        shown = (
            f"{'kubemedic' if exe else 'python -m kubemedic'} scan --snapshot DIR --output json > /dev/null"
        )
        return argv, shown
    return [PY, "-c", FALLBACK_SCAN, str(snapshot)], "python -c 'load_snapshot + run_analyzers + correlate'"


def _median(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def _size_mb(root: Path) -> float:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6


def measure(snapshot: Path, *, runs: int, log: Callable[[str], None]) -> Figures:
    snap = str(snapshot)
    log("bare parse ...")
    bare = _median(runs, lambda: _num(_child(BARE_PARSE, snap), "ms"))
    log("load ...")
    loads = [_child(LOAD, snap) for _ in range(runs)]
    load = statistics.median(_num(r, "ms") for r in loads)
    if loads[0]["problems"]:
        log(f"warning: the loader reported {loads[0]['problems']} parse problem(s)")
    log("analysis ...")
    analyses = [_child(ANALYSIS, snap) for _ in range(runs)]
    analysis = statistics.median(_num(a, "ms") for a in analyses)
    argv, shown = scan_command(snapshot)
    log(f"scan: {shown} ...")
    scans = []
    for _ in range(runs):
        result = _child(SCAN_WRAPPER, *argv)
        if result["code"] not in (0, 1):  # 1: a finding met --fail-on; anything else is a failed scan
            raise BenchError(f"scan exited with {result['code']}:\n{result['stderr']}")
        scans.append(result)
    return Figures(
        pods=int(_num(loads[0], "pods")),
        events=int(_num(loads[0], "events")),
        runs=runs,
        snapshot=snap,
        snapshot_mb=round(_size_mb(snapshot), 1),
        bare_parse_ms=round(bare, 1),
        load_ms=round(load, 1),
        analysis_ms=round(analysis, 1),
        analysis_over_parse=round(analysis / bare, 3) if bare else 0.0,
        wall_s=round(statistics.median(_num(s, "wall_s") for s in scans), 3),
        peak_rss_mb=round(max(_num(s, "rss_mb") for s in scans), 1),
        scan_command=shown,
        findings=int(_num(analyses[0], "findings")),
        incidents=int(_num(analyses[0], "incidents")),
        correlation=bool(analyses[0]["correlation"]),
        machine=f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    )


def render(fig: Figures) -> str:
    checks = fig.checks()
    ok = dict(zip(("wall", "rss", "ratio"), checks.values(), strict=True))

    def verdict(key: str) -> str:
        return "PASS" if ok[key] else "FAIL"

    ratio_target = f"<= {TARGET_ANALYSIS_OVER_PARSE:.0%}"
    rows = [
        ("bare parse", f"{fig.bare_parse_ms:.1f} ms", "floor", ""),
        ("load (parse + index)", f"{fig.load_ms:.1f} ms", "", ""),
        ("analysis", f"{fig.analysis_ms:.1f} ms", "", ""),
        ("analysis / bare parse", f"{fig.analysis_over_parse:.1%}", ratio_target, verdict("ratio")),
        ("wall (whole scan)", f"{fig.wall_s:.3f} s", f"<= {TARGET_WALL_S} s", verdict("wall")),
        ("peak RSS", f"{fig.peak_rss_mb:.1f} MB", f"<= {TARGET_RSS_MB:.0f} MB", verdict("rss")),
    ]
    lines = [
        f"scan benchmark: {fig.pods:,} pods, {fig.events:,} events ({fig.snapshot_mb:.0f} MB), "
        f"median of {fig.runs} runs",
        f"  {fig.machine}",
        f"  scan: {fig.scan_command}",
        f"  {fig.findings} findings, {fig.incidents} incidents"
        + ("" if fig.correlation else " (kubemedic.correlate not importable: analyzers only)"),
        "",
        f"  {'figure':<24}{'value':>12}  {'target':<10}  result",
        f"  {'-' * 24}{'-' * 12}  {'-' * 10}  ------",
    ]
    lines += [f"  {name:<24}{value:>12}  {target:<10}  {result}" for name, value, target, result in rows]
    failed = [name for name, passed in checks.items() if not passed]
    lines += ["", "  all targets met" if not failed else f"  FAILED: {'; '.join(failed)}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--snapshot", type=Path, help="benchmark this snapshot instead of a generated one")
    parser.add_argument("--regenerate", action="store_true", help="generate the snapshot even if present")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    snapshot: Path = args.snapshot or HERE / "out" / f"snap-{args.pods}-{args.events}"
    sys.path.insert(0, str(HERE.parent))
    from bench.gen_snapshot import GENERATOR_VERSION, generate

    meta = snapshot / "snapshot.yaml"
    current = meta.exists() and f"# generator: {GENERATOR_VERSION}\n" in meta.read_text()
    if args.snapshot is None and (args.regenerate or not current):
        if snapshot.exists():
            shutil.rmtree(snapshot)
        started = time.perf_counter()
        stats = generate(snapshot, pods=args.pods, events=args.events)
        log(
            f"generated {stats.pods} pods ({stats.broken_pods} broken), {stats.events} events into "
            f"{snapshot} in {time.perf_counter() - started:.1f} s"
        )
    try:
        fig = measure(snapshot, runs=args.runs, log=log)
    except BenchError as exc:
        log(f"error: {exc}")
        return 2
    if args.json:
        print(json.dumps({**asdict(fig), "targets": fig.checks()}, indent=2))
    else:
        print(render(fig))
    return 0 if all(fig.checks().values()) else 1


if __name__ == "__main__":
    sys.exit(main())
