"""The `kubemedic` command line. Each command is a thin shell over a service."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kubemedic import __version__
from kubemedic.cli.anomaly import anomaly_app
from kubemedic.cli.apikey import apikey_app
from kubemedic.cli.ask import ask as ask_command
from kubemedic.cli.ask import explain as explain_command
from kubemedic.cli.common import EXIT_FAIL_ON, EXIT_OK, DbOption, clock, die, store_url
from kubemedic.cli.dataset import dataset_app
from kubemedic.cli.kb import kb_app
from kubemedic.cli.top import top_app
from kubemedic.domain import ClusterConnectionError, InputError, Severity, SnapshotError
from kubemedic.report import render_table, to_json, to_markdown, to_yaml
from kubemedic.service.models import ScanOptions, ScanReport
from kubemedic.service.scan import scan_snapshot

SERVE_SWITCH_INTERVAL_S = 0.001

app = typer.Typer(
    name="kubemedic",
    help="Find what is broken in a Kubernetes cluster, why, and the evidence that proves it.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


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
    context: Annotated[
        str | None, typer.Option("--context", help="Scan this live cluster (kubeconfig context).")
    ] = None,
    kubeconfig: Annotated[
        Path | None,
        typer.Option("--kubeconfig", help="Kubeconfig file (default: $KUBECONFIG, ~/.kube/config)."),
    ] = None,
    live: Annotated[bool, typer.Option("--live", help="Scan the kubeconfig's current context.")] = False,
    logs: Annotated[
        bool, typer.Option("--logs/--no-logs", help="Read logs of troubled pods (live scans).")
    ] = True,
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
    """Diagnose a cluster - a snapshot directory or a live context: incidents with root cause, evidence, fix.

    Without --snapshot, the kubeconfig's current context is scanned (like kubectl).

    Exit codes: 0 done, 1 a finding met --fail-on, 2 the input could not be used.
    An unreachable cluster is reported as a critical finding (exit 0, or 1 with --fail-on).
    """
    min_sev = _severity(min_severity) or Severity.INFO
    fail_sev = _severity(fail_on)
    is_live = live or context is not None or kubeconfig is not None
    if snapshot is not None and is_live:
        die("--snapshot and --context/--live/--kubeconfig are exclusive: scan one source at a time")
    namespaces = _namespaces(namespace, all_namespaces)
    options = ScanOptions(namespaces=namespaces, min_severity=min_sev, anonymize=anonymize)
    try:
        if snapshot is not None:
            report = scan_snapshot(snapshot, options)
        else:
            from kubemedic.cluster.client import ClusterTarget
            from kubemedic.service.live_scan import scan_live

            target = ClusterTarget(kubeconfig=kubeconfig, context=context)
            report = scan_live(target, options, clock=clock, with_logs=logs)
    except SnapshotError as exc:
        for problem in exc.problems:
            Console(stderr=True, soft_wrap=True).print(f"[yellow]skipped[/] {problem}", highlight=False)
        die(str(exc))
    except InputError as exc:
        die(str(exc))
    _print(report, output)
    worst = report.worst()
    code = EXIT_FAIL_ON if fail_sev is not None and worst is not None and worst >= fail_sev else EXIT_OK
    _exit_now(code)
    if code:
        raise typer.Exit(code)


def _exit_now(code: int) -> None:
    """Leave at once when running as the real command: freeing hundreds of thousands of parsed
    objects one by one at interpreter exit costs ~0.2 s on a 10,000-pod snapshot and helps nobody.
    Output is flushed first; in-process callers (tests, CliRunner) get a normal return."""
    if sys.__stdout__ is not None and sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__:
        sys.__stdout__.flush()
        sys.__stderr__.flush()
        os._exit(code)


@app.command()
def snapshot(
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="New directory to write the capture to.")
    ],
    context: Annotated[
        str | None, typer.Option("--context", help="Kubeconfig context (default: current).")
    ] = None,
    kubeconfig: Annotated[Path | None, typer.Option("--kubeconfig", help="Kubeconfig file.")] = None,
    namespace: Annotated[
        list[str] | None, typer.Option("--namespace", "-n", help="Only these namespaces (repeatable).")
    ] = None,
    all_namespaces: Annotated[
        bool, typer.Option("--all-namespaces", "-A", help="Every namespace (default).")
    ] = False,
    logs: Annotated[
        bool, typer.Option("--logs/--no-logs", help="Also capture logs of troubled pods.")
    ] = True,
) -> None:
    """Capture a live cluster into a snapshot directory `scan --snapshot` reads (Secret values stripped)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from kubemedic.cluster.client import ClusterTarget
    from kubemedic.service.capture import capture_snapshot

    target = ClusterTarget(kubeconfig=kubeconfig, context=context)
    namespaces = _namespaces(namespace, all_namespaces)
    console = Console(stderr=True, soft_wrap=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task("connecting", total=None)
        counts: dict[str, int] = {}

        def progress(what: str, n: int) -> None:
            counts[what] = counts.get(what, 0) + n
            done = ", ".join(f"{k} {v}" for k, v in counts.items())
            bar.update(task, description=f"reading: {done}")

        try:
            result = capture_snapshot(
                target, output_dir, clock=clock, namespaces=namespaces, with_logs=logs, progress=progress
            )
        except ClusterConnectionError as exc:
            die(f"cannot read the cluster ({exc.reason}): {exc}")
        except InputError as exc:
            die(str(exc))
    for problem in result.access_problems:
        console.print(f"[yellow]warning:[/] {problem.message}", highlight=False)
    console.print(
        f"captured {result.objects} objects and {result.logs} logs from {result.cluster} into "
        f"{result.directory} - scan it with: kubemedic scan --snapshot {result.directory}",
        highlight=False,
    )


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def sim(ctx: typer.Context) -> None:
    """Run the simulated cluster (real kubectl works against it). `kubemedic sim --help` for options."""
    from kubemedic.sim.cli import main as sim_main

    raise typer.Exit(sim_main(list(ctx.args)))


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


@app.command()
def analyzers(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print docs/analyzers.md.")] = False,
) -> None:
    """List the analyzers: what each detects and the evidence it quotes."""
    from kubemedic.analyzers.catalog import catalog
    from kubemedic.analyzers.catalog import markdown as catalog_markdown

    if markdown:
        sys.stdout.write(catalog_markdown())
        return
    from rich.table import Table

    table = Table("analyzer", "detects", "evidence", show_lines=False)
    for doc in catalog():
        table.add_row(doc.name, doc.detects or doc.summary, doc.evidence)
    Console().print(table)


@app.command()
def serve(
    context: Annotated[
        str | None, typer.Option("--context", help="Kubeconfig context (default: current).")
    ] = None,
    kubeconfig: Annotated[Path | None, typer.Option("--kubeconfig", help="Kubeconfig file.")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    db: DbOption = None,
    dev: Annotated[bool, typer.Option("--dev", help="Allow anonymous viewers (127.0.0.1 only).")] = False,
    redis: Annotated[
        str | None,
        typer.Option(
            "--redis",
            help="Redis URL (default: $KUBEMEDIC_REDIS_URL). With PostgreSQL, run several replicas: "
            "one watches each cluster, every one streams every change.",
        ),
    ] = None,
    rate_limit: Annotated[
        float,
        typer.Option("--rate-limit", help="Requests per second per API key or client IP (0 = unlimited)."),
    ] = 20.0,
    rate_burst: Annotated[float, typer.Option("--rate-burst", help="Requests allowed in a burst.")] = 40.0,
    metrics_interval: Annotated[
        float,
        typer.Option(
            "--metrics-interval",
            help="Seconds between reads of pod metrics (metrics.k8s.io) for anomaly detection; 0 = off.",
        ),
    ] = 15.0,
    replica_id: Annotated[
        str | None,
        typer.Option("--replica-id", help="This replica's name in leases and logs (default: host-pid)."),
    ] = None,
    summary_interval: Annotated[
        float,
        typer.Option(
            "--summary-interval",
            help="Seconds between cluster-status summaries in the history (the first right after the first "
            "analysis).",
            min=5.0,
        ),
    ] = 60.0,
    full_analysis_interval: Annotated[
        float,
        typer.Option(
            "--full-analysis-interval",
            help="Changes are analyzed incrementally (only the workloads they affect); everything is "
            "analyzed again at least this often, for findings that follow the clock.",
            min=1.0,
        ),
    ] = 10.0,
    debounce: Annotated[
        float,
        typer.Option(
            "--debounce",
            help="Seconds to fold a burst of changes into one analysis, counted from the burst's first "
            "change (so changes that piled up during a long analysis are not held back further).",
            min=0.0,
            max=5.0,
        ),
    ] = 0.05,
) -> None:
    """Watch a cluster continuously: findings with history in the store, REST + SSE/WebSocket API.

    Settings from the environment: KUBEMEDIC_DATABASE_URL, KUBEMEDIC_REDIS_URL, KUBEMEDIC_JWT_KEY /
    _JWT_ALGORITHMS / _JWT_ISSUER / _JWT_AUDIENCE (bearer JWTs), KUBEMEDIC_CORS_ORIGINS,
    KUBEMEDIC_RETENTION_HOURS (history kept, default 24), KUBEMEDIC_SERIES_RAW_HOURS / _SERIES_1M_HOURS
    / _SERIES_10M_HOURS (metric series kept per resolution: 6, 48, 720), KUBEMEDIC_PROMETHEUS_URL /
    _PROMETHEUS_TOKEN / _PROMETHEUS_QUERIES / _PROMETHEUS_QUERIES_FILE (Prometheus queries read with pod
    metrics), KUBEMEDIC_LLM_* (the model `ask` may use).
    """
    import asyncio

    from kubemedic.api.auth import JwtSettings
    from kubemedic.api.serve import ServeConfig
    from kubemedic.api.serve import serve as run_serve
    from kubemedic.cluster.client import ClusterTarget
    from kubemedic.config import Settings

    settings = Settings()
    jwt = None
    if settings.jwt_key:
        jwt = JwtSettings(
            settings.jwt_key,
            tuple(a.strip() for a in settings.jwt_algorithms.split(",") if a.strip()),
            issuer=settings.jwt_issuer or None,
            audience=settings.jwt_audience or None,
        )
    from kubemedic.service.metrics_series import SeriesRetention

    try:
        series_retention = SeriesRetention.from_hours(
            settings.series_raw_hours, settings.series_1m_hours, settings.series_10m_hours
        )
        prometheus = settings.prometheus()  # checked here, so a bad setting stops serve at once
        if prometheus is not None:
            asyncio.run(prometheus.aclose())  # the watcher process makes its own from the same settings
    except InputError as exc:
        die(str(exc))
    config = ServeConfig(
        ClusterTarget(kubeconfig=kubeconfig, context=context),
        store_url(db),
        host,
        port,
        dev,
        cors_origins=tuple(o.strip() for o in settings.cors_origins.split(",") if o.strip()),
        jwt=jwt,
        redis_url=redis if redis is not None else settings.redis_url,
        replica_id=replica_id or "",
        retention_hours=settings.retention_hours,
        rate_limit=rate_limit,
        rate_burst=rate_burst,
        metrics_interval_s=metrics_interval if metrics_interval > 0 else None,
        series_retention=series_retention,
        summary_every_s=summary_interval,
        full_every_s=full_analysis_interval,
        debounce_s=debounce,
        prometheus=prometheus is not None,
    )
    from kubemedic.logging_setup import configure

    configure()
    Console(stderr=True, soft_wrap=True).print(f"kubemedic serving on http://{host}:{port}", highlight=False)
    # The analysis runs in its own process (api/watcher.py); here the live views' state is made in a
    # worker thread while the API answers on the event loop. A thread waiting for the GIL gets it
    # after the holder's switch interval (5 ms by default), and a request waits for it several times:
    # 1 ms keeps API latency low while a state is made, for a little throughput.
    sys.setswitchinterval(SERVE_SWITCH_INTERVAL_S)
    try:
        asyncio.run(run_serve(config))
    except InputError as exc:
        die(str(exc))


@app.command()
def version() -> None:
    """Print the kubemedic version."""
    typer.echo(f"kubemedic {__version__}")


# Command groups, one module each: add a line here when adding a group.
app.add_typer(apikey_app, name="apikey")
app.add_typer(anomaly_app, name="anomaly")
app.command("explain")(explain_command)
app.command("ask")(ask_command)
app.add_typer(kb_app, name="kb")
app.add_typer(top_app, name="top")
app.add_typer(dataset_app, name="dataset")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
