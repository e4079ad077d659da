"""`kubemedic top pods|nodes`: current usage against requests, limits and allocatable, like
`kubectl top`, with an ANOMALY column naming what kubemedic's analysis sees (OOM kills, crash loops,
NotReady nodes...) for the pod, its workload or the node. A thin shell over service/top.py.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kubemedic.cli.common import clock, die
from kubemedic.domain import ClusterConnectionError, InputError
from kubemedic.service.top import ContainerTop, MetricsUnavailableError, NodeTop, SortBy, TopReading

PIPE_WIDTH = 1000  # columns for a table written to a pipe: never wrap or cut a row

top_app = typer.Typer(help="Current CPU and memory use against requests/limits, with what is wrong.")


class TopOutput(StrEnum):
    table = "table"
    json = "json"


ContextOption = Annotated[
    str | None, typer.Option("--context", help="Kubeconfig context (default: current).")
]
KubeconfigOption = Annotated[
    Path | None, typer.Option("--kubeconfig", help="Kubeconfig file (default: $KUBECONFIG, ~/.kube/config).")
]
SortOption = Annotated[SortBy | None, typer.Option("--sort-by", help="Highest usage first: cpu or memory.")]
OutputOption = Annotated[TopOutput, typer.Option("--output", "-o", help="Output format.")]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Also show the open anomaly findings `kubemedic serve` stored in this database "
        "(memory climbing to a limit, ...).",
    ),
]


@top_app.command("pods")
def top_pods(
    namespace: Annotated[
        list[str] | None,
        typer.Option("--namespace", "-n", help="Only this namespace (repeat or comma-separate)."),
    ] = None,
    all_namespaces: Annotated[
        bool, typer.Option("--all-namespaces", "-A", help="Every namespace (the default).")
    ] = False,
    context: ContextOption = None,
    kubeconfig: KubeconfigOption = None,
    sort_by: SortOption = None,
    output: OutputOption = TopOutput.table,
    db: StoreOption = None,
) -> None:
    """Per container: CPU (m) and memory (Mi) used, % of request and of limit, and ANOMALY.

    Exit codes: 0 done, 2 metrics-server missing, cluster unreadable or bad option.
    """
    if namespace and all_namespaces:
        die("--namespace and --all-namespaces are exclusive")
    names = frozenset(n.strip() for v in namespace or [] for n in v.split(",") if n.strip()) or None
    reading = _read(context, kubeconfig, namespaces=names, nodes=False, sort_by=sort_by, db=db)
    if output is TopOutput.json:
        _json(reading, "pods", [asdict(r) for r in reading.pods])
        return
    table = Table(
        "NAMESPACE", "POD", "CONTAINER", "CPU(m)", "CPU%REQ", "CPU%LIM",
        "MEMORY(Mi)", "MEM%REQ", "MEM%LIM", "ANOMALY",
        box=None, show_edge=False, pad_edge=False,
    )  # fmt: skip
    for r in reading.pods:
        table.add_row(*_pod_cells(r))
    _table(table, bool(reading.pods), "no pod metrics (no running pods in scope?)")


@top_app.command("nodes")
def top_nodes(
    context: ContextOption = None,
    kubeconfig: KubeconfigOption = None,
    sort_by: SortOption = None,
    output: OutputOption = TopOutput.table,
    db: StoreOption = None,
) -> None:
    """Per node: CPU (m) and memory (Mi) used and % of allocatable; NotReady/pressure flagged.

    Exit codes: 0 done, 2 metrics-server missing, cluster unreadable or bad option.
    """
    reading = _read(context, kubeconfig, namespaces=None, nodes=True, sort_by=sort_by, db=db)
    if output is TopOutput.json:
        _json(reading, "nodes", [asdict(r) for r in reading.nodes])
        return
    table = Table(
        "NAME", "STATUS", "CPU(m)", "CPU%", "MEMORY(Mi)", "MEMORY%", "ANOMALY",
        box=None, show_edge=False, pad_edge=False,
    )  # fmt: skip
    for r in reading.nodes:
        table.add_row(*_node_cells(r))
    _table(table, bool(reading.nodes), "no nodes")


def _read(
    context: str | None,
    kubeconfig: Path | None,
    *,
    namespaces: frozenset[str] | None,
    nodes: bool,
    sort_by: SortBy | None,
    db: str | None,
) -> TopReading:
    from kubemedic.cluster.client import ClusterTarget
    from kubemedic.service.top import read_top_sync

    target = ClusterTarget(kubeconfig=kubeconfig, context=context)
    try:
        return read_top_sync(
            target, clock=clock, namespaces=namespaces, nodes=nodes, sort_by=sort_by, store_url=db
        )
    except MetricsUnavailableError as exc:
        die(str(exc))
    except ClusterConnectionError as exc:
        die(f"cannot read the cluster ({exc.reason}): {exc}")
    except InputError as exc:
        die(str(exc))


def _pod_cells(r: ContainerTop) -> tuple[str, ...]:
    return (
        escape(r.namespace),
        escape(r.pod),
        escape(r.container),
        _num(r.cpu_m),
        _pct(r.cpu_request_pct),
        _pct(r.cpu_limit_pct),
        _num(r.memory_mi),
        _pct(r.memory_request_pct),
        _pct(r.memory_limit_pct),
        escape(r.anomaly),
    )


def _node_cells(r: NodeTop) -> tuple[str, ...]:
    status = r.status if r.status == "Ready" else f"[bold red]{escape(r.status)}[/]"
    return (
        escape(r.name),
        status,
        _num(r.cpu_m),
        _pct(r.cpu_pct),
        _num(r.memory_mi),
        _pct(r.memory_pct),
        escape(r.anomaly),
    )


def _num(value: float | None) -> str:
    return "<unknown>" if value is None else f"{value:.0f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _json(reading: TopReading, key: str, rows: list[dict[str, object]]) -> None:
    sys.stdout.write(json.dumps({"cluster": reading.cluster, key: rows}, indent=2) + "\n")


def _table(table: Table, has_rows: bool, empty: str) -> None:
    if not has_rows:
        Console(stderr=True, soft_wrap=True).print(empty, highlight=False)
        return
    # like kubectl: a pipe or file gets whole lines, a terminal gets its own width
    Console(width=None if sys.stdout.isatty() else PIPE_WIDTH).print(table)
