"""`kubemedic dataset export`: the store's findings, incidents, timeline and summaries as labelled data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kubemedic.cli.common import DbOption, clock, die, store_url
from kubemedic.domain import InputError

dataset_app = typer.Typer(help="Export what the store knows as labelled training data.")


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
    db: DbOption = None,
) -> None:
    """Write findings, incidents, timeline (labelled) and summaries files, dataset.json and a README.

    Each timeline row's `label` is the categories of the findings open on its object at that time.
    Exit codes: 0 done, 2 bad input (a bad --since/--until/--format, a non-empty directory, a bad --db).
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
