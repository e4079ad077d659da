"""`kubemedic kb add|remove|list|search`: the runbook knowledge base and the user's own notes.

The index lives in `Settings().data_dir / "knowledge.db"` unless `--index` says otherwise. Built-in runbooks
are always in it; directories added with `kb add` are re-indexed incrementally before every search, so edits
to the notes show up without another `kb add`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from kubemedic.cli.common import die
from kubemedic.domain import InputError, KubemedicError

if TYPE_CHECKING:
    from kubemedic.knowledge import IndexReport, KnowledgeBase

kb_app = typer.Typer(help="Search the built-in runbooks and your own notes (offline).", no_args_is_help=True)

IndexOption = Annotated[
    Path | None,
    typer.Option("--index", help="Index file (default: knowledge.db in the kubemedic data dir)."),
]
EmbeddingsOption = Annotated[
    bool,
    typer.Option(
        "--embeddings/--no-embeddings",
        envvar="KUBEMEDIC_KB_EMBEDDINGS",
        help="Also rank by sentence embeddings (needs the [embeddings] extra).",
    ),
]


class KbOutput(StrEnum):
    table = "table"
    json = "json"


def _open(index: Path | None, embeddings: bool = False) -> KnowledgeBase:
    from kubemedic.config import Settings
    from kubemedic.knowledge import KnowledgeBase, default_embedder

    path = index or Settings().data_dir / "knowledge.db"
    try:
        return KnowledgeBase.open(path, embedder=default_embedder(embeddings))
    except KubemedicError as exc:
        die(str(exc))


def _report_line(report: IndexReport) -> str:
    extra = f", {report.skipped} skipped (unreadable or > 2 MB)" if report.skipped else ""
    return (
        f"{report.source}: {report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged{extra}"
    )


@kb_app.command("add")
def kb_add(
    directory: Annotated[Path, typer.Argument(help="Folder of .md, .markdown or .txt files (recursive).")],
    index: IndexOption = None,
    embeddings: EmbeddingsOption = False,
) -> None:
    """Index a folder of notes (again: only changed files are re-read)."""
    with _open(index, embeddings) as kb:
        try:
            report = kb.add_directory(directory)
        except InputError as exc:
            die(str(exc))
    typer.echo(_report_line(report))


@kb_app.command("remove")
def kb_remove(
    directory: Annotated[Path, typer.Argument(help="A folder added with `kb add`.")],
    index: IndexOption = None,
) -> None:
    """Forget a folder and drop its documents from the index."""
    with _open(index) as kb:
        try:
            report = kb.remove_directory(directory)
        except InputError as exc:
            die(str(exc))
    typer.echo(f"removed {report.source} ({report.removed} documents)")


@kb_app.command("list")
def kb_list(
    index: IndexOption = None,
    output: Annotated[KbOutput, typer.Option("--output", "-o", help="table or json.")] = KbOutput.table,
) -> None:
    """List the sources in the index: the built-in runbooks and every added folder."""
    with _open(index) as kb:
        sources = kb.sources()
    if output is KbOutput.json:
        typer.echo(json.dumps([asdict(s) for s in sources], indent=2))
        return
    from rich.table import Table

    table = Table("source", "documents", "passages")
    for s in sources:
        table.add_row("built-in runbooks" if s.builtin else s.location, str(s.documents), str(s.passages))
    Console().print(table)


@kb_app.command("show")
def kb_show(
    category: Annotated[str, typer.Argument(help="A finding category, e.g. crash-loop, oom or dns.")],
    output: Annotated[KbOutput, typer.Option("--output", "-o", help="table (markdown) or json.")] = (
        KbOutput.table
    ),
) -> None:
    """Print the built-in runbook of a finding category."""
    from kubemedic.knowledge import KnowledgeBase

    with KnowledgeBase.open(None) as kb:
        book = kb.runbook(category)
        known = [b.category for b in kb.runbooks()]
    if book is None:
        die(f"no runbook for category {category!r}; known categories: {', '.join(known)}")
    if output is KbOutput.json:
        typer.echo(json.dumps(asdict(book), indent=2))
        return
    sections = (
        ("What it means", book.meaning),
        ("How to confirm it", book.confirm),
        ("How to fix it", book.fix),
        ("How to prevent it", book.prevent),
    )
    typer.echo(f"# {book.title}\n")
    for heading, text in sections:
        typer.echo(f"## {heading}\n\n{text}\n")


@kb_app.command("search")
def kb_search(
    query: Annotated[str, typer.Argument(help="Free text, e.g. an error message or a question.")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many passages (1-100).")] = 5,
    output: Annotated[KbOutput, typer.Option("--output", "-o", help="table or json.")] = KbOutput.table,
    index: IndexOption = None,
    embeddings: EmbeddingsOption = False,
) -> None:
    """Find the runbook sections and notes that best match a question."""
    with _open(index, embeddings) as kb:
        try:
            kb.refresh()
            passages = kb.search(query, limit)
        except InputError as exc:
            die(str(exc))
    if output is KbOutput.json:
        typer.echo(json.dumps([asdict(p) for p in passages], indent=2))
        return
    console = Console(soft_wrap=True)
    if not passages:
        console.print("no matching passage", highlight=False)
        return
    for i, p in enumerate(passages, start=1):
        label = escape(f"[{p.category}] " if p.category else "")
        heading = escape(f"{p.title} - {p.section or '(intro)'}")
        console.print(f"[bold]{i}. {label}{heading}[/]", highlight=False)
        console.print(f"   [dim]{escape(p.source)}  score {p.score:.3f}[/]", highlight=False)
        snippet = " ".join(p.text.split())
        more = "..." if len(snippet) > 300 else ""
        console.print(f"   {snippet[:300]}{more}\n", highlight=False, markup=False)
