"""What every command module shares: exit codes, the error printer, the store option, the clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, NoReturn

import typer
from rich.console import Console

EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT = 0, 1, 2

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $KUBEMEDIC_DATABASE_URL or SQLite in the data dir)."),
]


def die(message: str) -> NoReturn:
    """Print `error: message` on stderr and exit 2 (bad input)."""
    Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def clock() -> datetime:
    return datetime.now(UTC)


def store_url(db: str | None) -> str:
    from kubemedic.config import Settings

    return db or Settings().store_url()
