"""The read-only tools a language model may call, and their execution over the assistant's facts.

There is no write tool at all: nothing here can create, change or delete anything, whatever a model
(or a log line pretending to be an instruction) asks for. A call to a tool that is not in `TOOLS` is
refused and reported back as data. Every output is masked for secrets and fenced as untrusted text
by the caller; Secret objects are shown with their key names only, never their values.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from kubemedic.assistant.explain import quote
from kubemedic.assistant.facts import Facts
from kubemedic.assistant.question import KIND_ALIASES
from kubemedic.assistant.status import status_line
from kubemedic.domain import InputError, KubemedicError, ObjectRef, Severity
from kubemedic.llm import ToolSpec
from kubemedic.state import KubeObject, Pod

MAX_ITEMS = 100
MAX_LOG_LINES = 200
MAX_OBJECT_CHARS = 6000


def _schema(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_S = {"type": "string"}
TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "list_objects",
        "List objects of one kind (optionally in one namespace) with a one-line status each. Read-only.",
        _schema({"kind": _S, "namespace": _S}, ("kind",)),
    ),
    ToolSpec(
        "get_object",
        "One object's manifest (spec and status). Secret values are never shown, only key names. Read-only.",
        _schema({"kind": _S, "namespace": _S, "name": _S}, ("kind", "name")),
    ),
    ToolSpec(
        "get_events",
        "Recent Kubernetes events, newest first, optionally for one namespace or one object. Read-only.",
        _schema({"namespace": _S, "kind": _S, "name": _S}),
    ),
    ToolSpec(
        "get_logs",
        "The last lines of a container's log (previous=true: the crashed instance). Read-only.",
        _schema(
            {
                "namespace": _S,
                "pod": _S,
                "container": _S,
                "previous": {"type": "boolean"},
                "tail": {"type": "integer", "minimum": 1, "maximum": MAX_LOG_LINES},
            },
            ("namespace", "pod"),
        ),
    ),
    ToolSpec(
        "list_findings",
        "kubemedic's findings (what is wrong, root cause, evidence), optionally by namespace. Read-only.",
        _schema({"namespace": _S, "min_severity": {"type": "string", "enum": [s.value for s in Severity]}}),
    ),
    ToolSpec(
        "get_timeline",
        "Recorded changes (events, restarts, rollouts, findings) in the last N minutes. Read-only.",
        _schema({"namespace": _S, "minutes": {"type": "integer", "minimum": 1, "maximum": 10080}}),
    ),
    ToolSpec(
        "search_runbooks",
        "Search kubemedic's runbooks (how to confirm, fix and prevent each kind of problem). Read-only.",
        _schema({"query": _S}, ("query",)),
    ),
)
TOOL_NAMES = frozenset(t.name for t in TOOLS)


class ToolError(KubemedicError):
    """A call that cannot be answered (unknown tool, bad arguments, no such object); sent back as data."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What a tool returned (plain text, to be masked and fenced) and the objects/findings it read."""

    text: str
    objects: tuple[ObjectRef, ...] = ()
    finding_ids: tuple[str, ...] = field(default=())


def _str(args: Mapping[str, object], key: str, required: bool = False) -> str | None:
    value = args.get(key)
    if value is None or value == "":
        if required:
            raise ToolError(f"argument {key!r} is required")
        return None
    if not isinstance(value, str):
        raise ToolError(f"argument {key!r} must be a string")
    return value


def _kind(text: str) -> str:
    kind = KIND_ALIASES.get(text.lower()) or next(
        (k for k in set(KIND_ALIASES.values()) if k.lower() == text.lower()), None
    )
    if kind is None:
        raise ToolError(f"unknown kind {text!r}; known: {', '.join(sorted(set(KIND_ALIASES.values())))}")
    return kind


def _find(facts: Facts, kind: str, namespace: str | None, name: str) -> KubeObject:
    obj = facts.state.get(kind, namespace or "", name)
    if obj is None and namespace is None:
        obj = next((o for o in facts.state.objects(kind) if o.name == name), None)
    if obj is None:
        raise ToolError(f"no {kind} {namespace + '/' if namespace else ''}{name}")
    return obj


def manifest(obj: KubeObject) -> dict[str, Any]:
    """The object as a model may see it: Secret values dropped (key names kept), managedFields and
    last-applied annotations removed."""
    raw: dict[str, Any] = json.loads(json.dumps(obj.raw, default=str))
    meta = raw.get("metadata")
    if isinstance(meta, dict):
        meta.pop("managedFields", None)
        annotations = meta.get("annotations")
        if isinstance(annotations, dict):
            annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    if obj.kind == "Secret":
        keys = sorted({*(raw.get("data") or {}), *(raw.get("stringData") or {})})
        raw.pop("data", None)
        raw.pop("stringData", None)
        raw["dataKeys"] = keys
        raw["note"] = "Secret values are never shown; only key names."
    return raw


ToolFn = Callable[[Facts, Mapping[str, object]], Awaitable[ToolResult]]


async def _list_objects(facts: Facts, args: Mapping[str, object]) -> ToolResult:
    kind = _kind(_str(args, "kind", True) or "")
    objs = list(facts.state.objects(kind, _str(args, "namespace")))
    lines = [f"{o.ref.display()}: {status_line(facts.state, o)}" for o in objs[:MAX_ITEMS]]
    if len(objs) > MAX_ITEMS:
        lines.append(f"(+{len(objs) - MAX_ITEMS} more)")
    return ToolResult("\n".join(lines) or f"no {kind} objects", tuple(o.ref for o in objs[:MAX_ITEMS]))


async def _get_object(facts: Facts, args: Mapping[str, object]) -> ToolResult:
    obj = _find(
        facts, _kind(_str(args, "kind", True) or ""), _str(args, "namespace"), _str(args, "name", True) or ""
    )
    text = json.dumps(manifest(obj), indent=1, sort_keys=True)
    if len(text) > MAX_OBJECT_CHARS:
        text = text[:MAX_OBJECT_CHARS] + "\n... (cut)"
    return ToolResult(text, (obj.ref,))


async def _get_events(facts: Facts, args: Mapping[str, object]) -> ToolResult:
    namespace, kind, name = _str(args, "namespace"), _str(args, "kind"), _str(args, "name")
    if name is not None:
        obj = _find(facts, _kind(kind or "Pod"), namespace, name)
        events = list(facts.state.events_for(obj))
        for pod in facts.state.pods_of(obj):
            events.extend(facts.state.events_for(pod))
    else:
        events = [e for e in facts.state.events() if namespace is None or e.namespace == namespace]
    events.sort(key=lambda e: e.last_seen.timestamp() if e.last_seen else 0.0, reverse=True)
    lines = [
        f"{e.last_seen.isoformat() if e.last_seen else '?'} {e.type} {e.reason} (x{e.count}) "
        f"{e.involved.display()}: {quote(e.message, 300)}"
        for e in events[:30]
    ]
    return ToolResult("\n".join(lines) or "no events", tuple(dict.fromkeys(e.involved for e in events[:30])))


async def _get_logs(facts: Facts, args: Mapping[str, object]) -> ToolResult:
    namespace = _str(args, "namespace", True) or ""
    pod_name = _str(args, "pod", True) or ""
    previous = bool(args.get("previous", False))
    tail_arg = args.get("tail", 50)
    tail = max(1, min(MAX_LOG_LINES, tail_arg if isinstance(tail_arg, int) else 50))
    pod = facts.state.get("Pod", namespace, pod_name)
    if not isinstance(pod, Pod):
        raise ToolError(f"no pod {namespace}/{pod_name}")
    names = [c.name for c in pod.containers(include_init=True)]
    container = _str(args, "container") or (names[0] if names else "")
    if container not in names:
        raise ToolError(
            f"pod {namespace}/{pod_name} has no container {container!r}; containers: {', '.join(names)}"
        )
    text = facts.state.logs(pod, container, previous)
    if text is None and facts.logs is not None:
        text = await facts.logs.tail(namespace, pod_name, container, previous=previous, lines=tail)
    if text is None:
        return ToolResult(f"no {'previous ' if previous else ''}log captured for {container}", (pod.ref,))
    lines = text.splitlines()[-tail:]
    return ToolResult("\n".join(lines) or "(empty log)", (pod.ref,))


async def _list_findings(facts: Facts, args: Mapping[str, object]) -> ToolResult:
    floor = Severity.parse(_str(args, "min_severity") or "info")
    found = [f for f in facts.diagnosis.in_namespace(_str(args, "namespace")) if f.severity >= floor]
    found.sort(key=lambda f: -f.severity.rank)
    lines = []
    for f in found[:MAX_ITEMS]:
        root = facts.diagnosis.root_of(f)
        lines.append(
            f"[finding:{f.id}] {f.severity.value} {f.category} {f.object.display()}: {f.title}"
            + (f" (symptom of finding:{root.id})" if root else "")
            + (f"\n  cause: {f.root_cause}" if f.root_cause else "")
            + "".join(f"\n  evidence: {quote(e.text, 240)}" for e in f.evidence[:2])
        )
    return ToolResult("\n".join(lines) or "no findings", (), tuple(f.id for f in found[:MAX_ITEMS]))


async def _get_timeline(facts: Facts, args: Mapping[str, object]) -> ToolResult:
    if facts.timeline is None:
        return ToolResult("no timeline is recorded for this source (only `kubemedic serve` records one)")
    minutes = args.get("minutes", 60)
    since = facts.clock() - timedelta(minutes=minutes if isinstance(minutes, int) else 60)
    namespace = _str(args, "namespace")
    items = [
        i
        for i in await facts.timeline.recent(None, since)
        if namespace is None or i.object.namespace == namespace
    ]
    lines = [
        f"{i.at.isoformat()} {i.object.display()} {i.type}: {quote(i.text, 240)}" for i in items[:MAX_ITEMS]
    ]
    return ToolResult(
        "\n".join(lines) or "nothing recorded in that window", tuple(i.object for i in items[:MAX_ITEMS])
    )


async def _search_runbooks(facts: Facts, args: Mapping[str, object]) -> ToolResult:
    if facts.knowledge is None:
        return ToolResult("no knowledge base is configured")
    passages = facts.knowledge.search(_str(args, "query", True) or "", limit=4)
    return ToolResult(
        "\n\n".join(f"# {p.title} - {p.section} ({p.source})\n{p.text}" for p in passages) or "no match"
    )


RUNNERS: dict[str, ToolFn] = {
    "list_objects": _list_objects,
    "get_object": _get_object,
    "get_events": _get_events,
    "get_logs": _get_logs,
    "list_findings": _list_findings,
    "get_timeline": _get_timeline,
    "search_runbooks": _search_runbooks,
}


async def run_tool(facts: Facts, name: str, args: Mapping[str, object]) -> ToolResult:
    """Run one read-only tool. ToolError for an unknown tool or bad arguments (reported to the model)."""
    runner = RUNNERS.get(name)
    if runner is None:
        raise ToolError(
            f"there is no tool {name!r}; the only tools are read-only: {', '.join(sorted(RUNNERS))}"
        )
    try:
        return await runner(facts, args)
    except ToolError:
        raise
    except (ValueError, InputError) as exc:  # e.g. an unknown severity, an empty search query
        raise ToolError(str(exc)) from None
    except KubemedicError as exc:  # e.g. the cluster refused a log read: the model reads why
        raise ToolError(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # boundary: a tool's bug becomes a tool error, the answer goes on
        raise ToolError(f"the tool failed ({type(exc).__name__}); continue without it") from exc
