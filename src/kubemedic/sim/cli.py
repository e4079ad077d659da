"""Command line: `python -m kubemedic.sim [--scenario NAME ...|--all] [--list] ...`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kubemedic.sim.config import SimConfig
from kubemedic.sim.scenarios import BY_NAME, names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kubemedic sim",
        description="Run a simulated Kubernetes cluster that the "
        "real kubectl and any Kubernetes client can talk to.",
    )
    p.add_argument(
        "--scenario", action="append", default=[], metavar="NAME", help="plant this fault (repeatable)"
    )
    p.add_argument("--all", action="store_true", help="plant every scenario")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    p.add_argument("--nodes", type=int, default=2, help="worker nodes besides the control plane (default 2)")
    p.add_argument("--pods", type=int, default=0, help="extra background pods (scale mode)")
    p.add_argument("--churn", type=float, default=0.0, help="background mutations per second")
    p.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0 = any free port)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument(
        "--kubeconfig-out", default=None, metavar="FILE", help="write a kubeconfig for the sim here"
    )
    p.add_argument(
        "--fault-delay", type=float, default=2.0, help="seconds before scenarios plant their faults"
    )
    p.add_argument("--token", default="kubemedic-sim-token", help="bearer token written to the kubeconfig")
    p.add_argument("--require-token", action="store_true", help="401 for requests without a bearer token")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--history", type=int, default=10_000, help="watch history kept per kind")
    return p


def config_from_args(args: argparse.Namespace) -> SimConfig:
    unknown = [s for s in args.scenario if s not in names()]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}; see --list")
    scenarios = tuple(names()) if args.all else tuple(args.scenario)
    return SimConfig(
        scenarios=scenarios,
        nodes=args.nodes,
        pods=args.pods,
        churn=args.churn,
        port=args.port,
        host=args.host,
        fault_delay=args.fault_delay,
        token=args.token or None,
        require_token=args.require_token,
        seed=args.seed,
        history_window=args.history,
        kubeconfig_out=args.kubeconfig_out,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = parser().parse_args(list(argv) if argv is not None else None)
    if args.list:
        width = max(len(s.name) for s in BY_NAME.values())
        for s in BY_NAME.values():
            sys.stdout.write(f"{s.name:<{width}}  {s.description}\n")
        return 0
    from kubemedic.sim.server import run

    def announce(line: str) -> None:
        sys.stderr.write(line + "\n")

    return run(config_from_args(args), announce=announce)
