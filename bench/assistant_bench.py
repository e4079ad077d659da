"""Assistant benchmark: offline explain and offline ask latency over realistic states.

    python bench/assistant_bench.py [--pods 10000] [--json]

States (each diagnosed once, like `serve` does per analysis; that time is reported separately):
- broken-shop: the example snapshot (examples/broken-shop);
- sim-all-faults: the simulated cluster with all 24 fault scenarios, run in-process on a fake clock;
- generated: bench/gen_snapshot.py with --pods pods and 5x as many events (3 % broken).

Figures: `explain(finding)` for every finding of the state (each timed alone, built-in runbooks in an
in-memory knowledge base), and `ask` for "what is wrong in namespace <ns>" for every namespace with a
finding: p50 / p95 / max. Target: explain p95 <= 200 ms. Exit 0 when every state passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubemedic.assistant import Diagnosis, Facts, ask_offline, explain  # noqa: E402
from kubemedic.knowledge import KnowledgeBase  # noqa: E402
from kubemedic.sim.scenarios import SCENARIOS  # noqa: E402
from kubemedic.state import ClusterState  # noqa: E402
from kubemedic.state.snapshot import load_snapshot  # noqa: E402

TARGET_P95_MS = 200.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(name: str, state: ClusterState, knowledge: KnowledgeBase) -> dict[str, object]:
    started = time.perf_counter()
    diagnosis = Diagnosis.of(state)
    diagnose_ms = (time.perf_counter() - started) * 1000
    facts = Facts(diagnosis, clock=lambda: state.now, knowledge=knowledge)
    explain_ms: list[float] = []
    for finding in diagnosis.findings:
        t = time.perf_counter()
        explain(finding, facts)
        explain_ms.append((time.perf_counter() - t) * 1000)
    ask_ms: list[float] = []
    for ns in sorted({f.object.namespace for f in diagnosis.findings if f.object.namespace}):
        t = time.perf_counter()
        asyncio.run(ask_offline(f"what is wrong in namespace {ns}", facts))
        ask_ms.append((time.perf_counter() - t) * 1000)
    timed: dict[str, float] = {}
    for key, question in (
        ("changed_ms", "what changed in the last hour"),
        ("restarts_ms", "which pods restart most"),
    ):
        t = time.perf_counter()
        asyncio.run(ask_offline(question, facts))
        timed[key] = round((time.perf_counter() - t) * 1000, 1)
    return {
        **timed,
        "state": name,
        "pods": len(state.pods()),
        "objects": sum(state.kinds.values()),
        "findings": len(diagnosis.findings),
        "diagnose_ms": round(diagnose_ms, 1),
        "explain_p50_ms": round(statistics.median(explain_ms), 2),
        "explain_p95_ms": round(_pct(explain_ms, 0.95), 2),
        "explain_max_ms": round(max(explain_ms), 2),
        "ask_namespaces": len(ask_ms),
        "ask_p50_ms": round(statistics.median(ask_ms), 2) if ask_ms else 0.0,
        "ask_p95_ms": round(_pct(ask_ms, 0.95), 2) if ask_ms else 0.0,
        "pass": _pct(explain_ms, 0.95) <= TARGET_P95_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pods", type=int, default=10_000, help="pods in the generated snapshot (0: skip it)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    knowledge = KnowledgeBase.open(None)
    kb_ms = (time.perf_counter() - started) * 1000
    states: list[tuple[str, ClusterState]] = [
        ("broken-shop", load_snapshot(ROOT / "examples" / "broken-shop").state)
    ]
    from tests.integration.assistant.simstate import settled_state

    states.append(("sim-all-faults", settled_state(*(s.name for s in SCENARIOS))))
    with tempfile.TemporaryDirectory(prefix="kubemedic-assistant-bench-") as tmp:
        if args.pods:
            from bench.gen_snapshot import main as generate

            out = Path(tmp) / "snap"
            generate([str(out), "--pods", str(args.pods), "--events", str(args.pods * 5)])
            states.append((f"generated-{args.pods}-pods", load_snapshot(out).state))
        rows = [measure(name, state, knowledge) for name, state in states]
    report = {
        "machine": (
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
            f"Python {platform.python_version()}"
        ),
        "knowledge_open_ms": round(kb_ms, 1),
        "target_explain_p95_ms": TARGET_P95_MS,
        "states": rows,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"machine: {report['machine']}; knowledge base (built-in runbooks, in memory) "
            f"opened in {kb_ms:.0f} ms"
        )
        print(
            f"{'state':<24}{'pods':>7}{'findings':>10}{'diagnose':>10}"
            f"{'explain p50/p95/max ms':>26}{'ask p50/p95 ms':>18}{'changed/restarts ms':>22}"
        )
        for r in rows:
            print(
                f"{r['state']:<24}{r['pods']:>7}{r['findings']:>10}{r['diagnose_ms']:>9}ms"
                f"{r['explain_p50_ms']:>10}/{r['explain_p95_ms']}/{r['explain_max_ms']:<8}"
                f"{r['ask_p50_ms']:>10}/{r['ask_p95_ms']:<8}{r['changed_ms']:>10}/{r['restarts_ms']:<8}"
                f"  {'PASS' if r['pass'] else 'FAIL'}"
            )
    return 0 if all(r["pass"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
