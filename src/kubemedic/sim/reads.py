"""GET on collections and objects: list (selectors, pagination), get, and Table output."""

from __future__ import annotations

import base64
from collections.abc import Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response

from kubemedic.sim.errors import ApiError, bad_request, gone, not_found
from kubemedic.sim.routing import Target
from kubemedic.sim.selectors import parse_field_selector, parse_label_selector
from kubemedic.sim.store import Entry, Key
from kubemedic.sim.tables import render_table
from kubemedic.sim.virtual import virtual_entries_off_loop
from kubemedic.sim.web import Query, json_response, wants_table
from kubemedic.sim.world import World


def entry_filter(query: Query, namespace: str | None) -> Callable[[Entry], bool]:
    labels = parse_label_selector(query.label_selector)
    fields = parse_field_selector(query.field_selector)
    checks: list[Callable[[Entry], bool]] = []
    if namespace is not None:
        checks.append(lambda e: e.namespace == namespace)
    if not labels.empty:
        checks.append(lambda e: labels.matches(e.labels))
    if fields.requirements:
        checks.append(lambda e: fields.matches(e.obj))
    if not checks:
        return lambda _e: True
    if len(checks) == 1:
        return checks[0]
    return lambda e: all(c(e) for c in checks)


def encode_continue(rv: int, key: Key) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"rv": rv, "start": list(key)})).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, Key]:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return int(data["rv"]), (str(data["start"][0]), str(data["start"][1]))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise bad_request("continue key is not valid: incorrect encoded start resourceVersion") from exc


async def list_objects(world: World, target: Target, query: Query, request: Request) -> Response:
    rt = target.rt
    accepts = entry_filter(query, None)
    fields = parse_field_selector(query.field_selector)
    namespace = target.namespace
    name_only = fields.value_of("metadata.name")
    if namespace is None:
        namespace = fields.value_of("metadata.namespace") if rt.namespaced else None
    list_rv = world.store.resource_version
    after: Key | None = None
    if query.continue_token:
        token_rv, after = decode_continue(query.continue_token)
        if token_rv < world.store.resource_version - world.config.history_window * 4:
            raise gone("The provided continue parameter is too old to display a consistent list result.")
        list_rv = token_rv
    if rt.group == "metrics.k8s.io":
        entries = [e for e in await virtual_entries_off_loop(world, rt, namespace) if accepts(e)]
        last: Key | None = None
    elif name_only is not None and namespace is not None:
        one = world.store.get(rt.key, namespace if rt.namespaced else "", name_only)
        entries = [one] if one is not None and accepts(one) else []
        last = None
    else:
        entries, last = world.store.page(rt.key, namespace, accepts, after=after, limit=query.limit)
    meta: dict[str, str] = {"resourceVersion": str(list_rv)}
    if last is not None:
        meta["continue"] = encode_continue(list_rv, last)
    if wants_table(request):
        table = render_table(
            rt.kind, entries, world.clock.now(), include_object=query.include_object, list_meta=meta
        )
        return json_response(table)
    head = orjson.dumps({"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta})
    body = head[:-1] + b',"items":[' + b",".join(e.raw for e in entries) + b"]}"
    return json_response(body)


async def get_object(world: World, target: Target, query: Query, request: Request) -> Response:
    rt = target.rt
    assert target.name is not None
    if rt.group == "metrics.k8s.io":
        found = [
            e for e in await virtual_entries_off_loop(world, rt, target.namespace) if e.name == target.name
        ]
        if not found:
            raise not_found(rt.group, rt.plural, target.name)
        entry = found[0]
    else:
        entry = world.registry.get(rt, target.namespace or "", target.name)
    if wants_table(request):
        meta = {"resourceVersion": str(entry.rv)}
        return json_response(
            render_table(
                rt.kind, [entry], world.clock.now(), include_object=query.include_object, list_meta=meta
            )
        )
    return json_response(entry.raw)


def check_readable(target: Target) -> None:
    if "get" not in target.rt.verbs and "list" not in target.rt.verbs:
        raise ApiError(
            405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
        )
