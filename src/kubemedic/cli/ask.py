"""`kubemedic explain` and `kubemedic ask`: the assistant on a snapshot or a live cluster.

Offline by default (deterministic, instant, nothing leaves the machine); with KUBEMEDIC_LLM_* set, `ask`
lets a language model phrase and dig further over read-only tools, and falls back to the offline
answer with a note when it fails.
"""

from __future__ import annotations

import asyncio
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from kubemedic.cli.common import clock, die

if TYPE_CHECKING:
    from kubemedic.assistant import Answer, Facts


class AnswerFormat(StrEnum):
    text = "text"
    json = "json"


SnapshotOpt = Annotated[
    Path | None,
    typer.Option("--snapshot", "-s", help="Snapshot directory to read instead of a live cluster."),
]
ContextOpt = Annotated[str | None, typer.Option("--context", help="Kubeconfig context of a live cluster.")]
KubeconfigOpt = Annotated[Path | None, typer.Option("--kubeconfig", help="Kubeconfig file.")]
OutputOpt = Annotated[AnswerFormat, typer.Option("--output", "-o", help="text or json (with citations).")]


def _facts(snapshot: Path | None, context: str | None, kubeconfig: Path | None) -> Facts:
    from kubemedic.domain import InputError, SnapshotError
    from kubemedic.service.assistant import live_facts, open_knowledge, snapshot_facts

    if snapshot is not None and (context is not None or kubeconfig is not None):
        die("--snapshot and --context/--kubeconfig are exclusive: read one source at a time")
    knowledge = open_knowledge()
    try:
        if snapshot is not None:
            return snapshot_facts(snapshot, knowledge=knowledge)
        from kubemedic.cluster.client import ClusterTarget

        return live_facts(
            ClusterTarget(kubeconfig=kubeconfig, context=context), clock=clock, knowledge=knowledge
        )
    except SnapshotError as exc:
        die(str(exc))
    except InputError as exc:
        die(str(exc))


def _print(answer: Answer, output: AnswerFormat) -> None:
    from kubemedic.assistant import answer_dict

    if output is AnswerFormat.json:
        sys.stdout.write(orjson.dumps(answer_dict(answer), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    typer.echo(answer.text)
    if answer.used_llm and answer.citations:
        typer.echo("\nSources:")
        for c in answer.citations[:12]:
            typer.echo(f"  {c.kind.value}: {c.ref}" + (f" - {c.quote[:100]}" if c.quote else ""))
    for note in answer.notes:
        typer.echo(f"note: {note}", err=True)


def explain(
    target: Annotated[
        str, typer.Argument(help="A finding id (from scan) or KIND/NAMESPACE/NAME, e.g. deploy/shop/api.")
    ],
    snapshot: SnapshotOpt = None,
    context: ContextOpt = None,
    kubeconfig: KubeconfigOpt = None,
    output: OutputOpt = AnswerFormat.text,
) -> None:
    """Explain a finding or an object: what is wrong, root cause, evidence, how to confirm, fix, prevent.

    Offline and deterministic. Exit 2 when the finding or object does not exist (close names are listed).
    """
    from kubemedic.assistant import explain_target
    from kubemedic.domain import InputError

    facts = _facts(snapshot, context, kubeconfig)
    try:
        answer = explain_target(target, facts)
    except InputError as exc:
        die(str(exc))
    _print(answer, output)


def ask(
    question: Annotated[str, typer.Argument(help='The question, e.g. "what is wrong in namespace shop".')],
    snapshot: SnapshotOpt = None,
    context: ContextOpt = None,
    kubeconfig: KubeconfigOpt = None,
    namespace: Annotated[
        str | None, typer.Option("--namespace", "-n", help="Ask about this namespace.")
    ] = None,
    output: OutputOpt = AnswerFormat.text,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never use a language model, even when KUBEMEDIC_LLM_* is set.")
    ] = False,
) -> None:
    """Ask about a cluster: "what is wrong in namespace X", "why is deployment Y not ready", "what changed
    in the last hour", "which pods restart most", "is X healthy" - or anything (closest matches).

    Answers cite findings, objects and evidence. Exit 2 for an empty question or an unknown namespace flag.
    """
    from kubemedic.assistant import ask as ask_question
    from kubemedic.domain import InputError
    from kubemedic.service.assistant import bind_provider, provider_from_settings

    if not question.strip():
        die('the question is empty; ask e.g. "what is wrong in namespace shop"')
    facts = _facts(snapshot, context, kubeconfig)
    if namespace is not None and namespace not in facts.state.namespaces():
        known = ", ".join(facts.state.namespaces()[:20]) or "none"
        die(f"no namespace {namespace!r} in this cluster (namespaces: {known})")
    try:
        provider, limits = (None, None) if offline else provider_from_settings()
        if provider is not None:
            provider = bind_provider(provider, facts.state)
        answer = asyncio.run(
            ask_question(question, facts, namespace=namespace, provider=provider, limits=limits)
        )
    except InputError as exc:
        die(str(exc))
    _print(answer, output)
