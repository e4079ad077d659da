"""The `kubemedic` command line. Each command is a thin shell over a service."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from kubemedic import __version__
from kubemedic.domain import InputError, Severity, SnapshotError
from kubemedic.report import render_table, to_json, to_markdown, to_yaml
from kubemedic.service.models import ScanOptions, ScanReport
from kubemedic.service.scan import scan_snapshot

app = typer.Typer(
    name="kubemedic",
    help="Find what is broken in a Kubernetes cluster, why, and the evidence that proves it.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT = 0, 1, 2


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"
    markdown = "markdown"


def _severity(value: str | None) -> Severity | None:
    if value is None:
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command()
def scan(
    snapshot: Annotated[
        Path | None,
        typer.Option(
            "--snapshot", "-s", help="Snapshot directory (kubectl get -o yaml/json files, logs/, ...)."
        ),
    ] = None,
    namespace: Annotated[
        list[str] | None,
        typer.Option("--namespace", "-n", help="Only report this namespace (repeat or comma-separate)."),
    ] = None,
    all_namespaces: Annotated[
        bool, typer.Option("--all-namespaces", "-A", help="Report every namespace.")
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--output", "-o", help="Output format.")
    ] = OutputFormat.table,
    min_severity: Annotated[
        str, typer.Option("--min-severity", help="Hide findings below this: info, warning, error, critical.")
    ] = "info",
    anonymize: Annotated[
        bool,
        typer.Option(
            "--anonymize", help="Mask names, namespaces, images, IPs and hostnames, also inside texts."
        ),
    ] = False,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Exit with code 1 when a finding at or above this severity exists."),
    ] = None,
) -> None:
    """Diagnose a cluster snapshot: incidents with root cause, evidence and fix.

    Exit codes: 0 done, 1 a finding met --fail-on, 2 the input could not be used.
    """
    min_sev = _severity(min_severity) or Severity.INFO
    fail_sev = _severity(fail_on)
    if snapshot is None:
        _die("give a snapshot directory with --snapshot DIR (capture one with `kubectl get ... -o yaml`)")
    namespaces = _namespaces(namespace, all_namespaces)
    options = ScanOptions(namespaces=namespaces, min_severity=min_sev, anonymize=anonymize)
    try:
        report = scan_snapshot(snapshot, options)
    except SnapshotError as exc:
        for problem in exc.problems:
            Console(stderr=True).print(f"[yellow]skipped[/] {problem}", highlight=False)
        _die(str(exc))
    except InputError as exc:
        _die(str(exc))
    _print(report, output)
    worst = report.worst()
    if fail_sev is not None and worst is not None and worst >= fail_sev:
        raise typer.Exit(EXIT_FAIL_ON)


def _namespaces(values: list[str] | None, all_namespaces: bool) -> frozenset[str] | None:
    if all_namespaces or not values:
        return None
    names = frozenset(n.strip() for v in values for n in v.split(",") if n.strip())
    return names or None


def _print(report: ScanReport, output: OutputFormat) -> None:
    if output is OutputFormat.table:
        render_table(report, Console())
        return
    text = {OutputFormat.json: to_json, OutputFormat.yaml: to_yaml, OutputFormat.markdown: to_markdown}[
        output
    ](report)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _die(message: str) -> NoReturn:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def version() -> None:
    """Print the kubemedic version."""
    typer.echo(f"kubemedic {__version__}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
