"""`kubemedic dataset export` (the store's findings, incidents, timeline, summaries and metric series as
labelled data) and `kubemedic dataset synth` (a labelled corpus played from the simulator's fault
scenarios)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kubemedic.cli.common import DbOption, clock, die, store_url
from kubemedic.domain import InputError
from kubemedic.service.synth.defaults import DEFAULT_INTERVAL_S, DEFAULT_MINUTES, DEFAULT_SEED

dataset_app = typer.Typer(
    help="Labelled training data: exported from the store, or synthesized from the sim."
)


@dataset_app.command("export")
def dataset_export(
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="New (or empty) directory to write the files to.")
    ],
    since: Annotated[
        str | None,
        typer.Option("--since", help="Start of the window: RFC 3339 time or a duration ago (24h, 7d)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="End of the window (exclusive); same forms as --since.")
    ] = None,
    cluster: Annotated[str | None, typer.Option("--cluster", help="Only this cluster.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, or parquet (needs pyarrow installed).")] = "csv",
    step: Annotated[
        str, typer.Option("--step", help="Resolution of the metric series file: raw, 1m or 10m.")
    ] = "1m",
    db: DbOption = None,
) -> None:
    """Write findings, incidents, timeline (labelled), summaries and metric series files, dataset.json
    and a README.

    Each timeline and series row's `label` is the categories of the findings open on its object at
    that time. Exit codes: 0 done, 2 bad input (a bad --since/--until/--format/--step, a non-empty
    directory, a bad --db).
    """
    import asyncio

    from kubemedic.service.dataset import (
        ExportOptions,
        ExportResult,
        check_options,
        export_dataset,
        parse_when,
    )
    from kubemedic.store import Store

    now = clock()
    try:
        options = ExportOptions(
            output_dir,
            since=parse_when("since", since, now),
            until=parse_when("until", until, now),
            cluster=cluster,
            format=fmt.strip().lower(),
            step=step.strip().lower(),
        )
        check_options(options)  # before opening (and maybe creating) the database
    except InputError as exc:
        die(str(exc))

    async def run() -> ExportResult:
        async with Store.open(store_url(db)) as store:
            return await export_dataset(store, options, now=now)

    try:
        result = asyncio.run(run())
    except InputError as exc:
        die(str(exc))
    counts = ", ".join(f"{f.rows} {f.name}" for f in result.files)
    Console(stderr=True, soft_wrap=True).print(
        f"exported {counts} ({result.labelled_rows} labelled timeline rows) into {result.directory}",
        highlight=False,
    )


@dataset_app.command("synth")
def dataset_synth(
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="New (or empty) directory to write the corpus to.")
    ],
    scenarios: Annotated[
        str,
        typer.Option(
            "--scenarios", help="'all', or sim scenario names separated by commas (see `sim --list`)."
        ),
    ] = "all",
    minutes: Annotated[float, typer.Option("--minutes", help="Simulated minutes per run.")] = DEFAULT_MINUTES,
    seed: Annotated[
        int, typer.Option("--seed", help="The same seed gives byte-identical files.")
    ] = DEFAULT_SEED,
    interval: Annotated[
        float, typer.Option("--interval", help="Simulated seconds between samples.")
    ] = DEFAULT_INTERVAL_S,
    fault_after: Annotated[
        float | None,
        typer.Option(
            "--fault-after", help="Simulated seconds before the fault is planted (default: min(60, run/4))."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, or parquet (needs pyarrow installed).")] = "csv",
) -> None:
    """Play sim fault scenarios and a clean run on a virtual clock into labelled metrics, events, findings.

    Every run is sampled every --interval simulated seconds: pod usage (metrics.k8s.io), new events, and
    the findings of a scan at that moment, each row labelled with the scenario, whether its fault was
    active and visible, and whether the row is about the object the fault was planted on.
    Exit codes: 0 done, 2 bad input (an unknown scenario, a non-empty directory, a bad number or format).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kubemedic.service.synth.run import SynthOptions, check_options, parse_scenarios, synth_dataset

    try:
        options = SynthOptions(
            output_dir,
            parse_scenarios(scenarios),
            minutes=minutes,
            interval=interval,
            seed=seed,
            format=fmt.strip().lower(),
            fault_after=fault_after,
        )
        check_options(options)
    except InputError as exc:
        die(str(exc))
    console = Console(stderr=True, soft_wrap=True)
    runs = len(options.scenarios) + 1
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=runs * options.samples_per_run)
        started: list[str] = []

        def progress(run: str, done: int, per_run: int) -> None:
            if not started or started[-1] != run:
                started.append(run)
            bar.update(
                task,
                completed=(len(started) - 1) * per_run + done,
                description=f"run {len(started)}/{runs}: {run}",
            )

        try:
            result = synth_dataset(options, progress=progress)
        except InputError as exc:
            die(str(exc))
    counts = ", ".join(f"{f.rows} {f.name}" for f in result.files)
    console.print(
        f"synthesized {len(result.runs)} runs ({counts} rows) into {result.directory}",
        highlight=False,
    )
