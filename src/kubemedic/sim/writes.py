"""POST, PUT, PATCH and DELETE on objects and collections."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kubemedic.sim.errors import ApiError, bad_request, method_not_allowed
from kubemedic.sim.reads import entry_filter
from kubemedic.sim.registry import WriteOptions
from kubemedic.sim.routing import Target
from kubemedic.sim.web import Query, json_response, read_json
from kubemedic.sim.world import World

Obj = dict[str, Any]


def _require(target: Target, verb: str) -> None:
    if verb not in target.rt.verbs:
        raise method_not_allowed()


def _body_obj(body: Any) -> Obj:
    if not isinstance(body, dict):
        raise bad_request("the body of the request was not a JSON object")
    return body


async def create(world: World, target: Target, query: Query, request: Request) -> Response:
    _require(target, "create")
    body = _body_obj(await read_json(request))
    if target.rt.kind == "TokenReview":
        token = str((body.get("spec") or {}).get("token", ""))
        ok = token in world.tokens
        user = {"username": "kubemedic-sim-admin", "groups": ["system:masters", "system:authenticated"]}
        status: Obj = {
            "authenticated": ok,
            **({"user": user} if ok else {"error": "invalid bearer token"}),
            "audiences": ["https://kubernetes.default.svc.cluster.local"],
        }
        return json_response(
            {**body, "apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "status": status}, 201
        )
    opts = WriteOptions(dry_run=query.dry_run, field_manager=query.field_manager)
    entry = world.registry.create(target.rt, target.namespace or "", body, opts)
    return json_response(entry.raw, 201)


async def update(world: World, target: Target, query: Query, request: Request) -> Response:
    _require(target, "update")
    assert target.name is not None
    body = _body_obj(await read_json(request))
    opts = WriteOptions(dry_run=query.dry_run, subresource=target.subresource)
    entry = world.registry.update(target.rt, target.namespace or "", target.name, body, opts)
    return json_response(entry.raw)


async def patch(world: World, target: Target, query: Query, request: Request) -> Response:
    _require(target, "patch")
    assert target.name is not None
    body = await read_json(request)
    ctype = request.headers.get("content-type", "")
    opts = WriteOptions(
        dry_run=query.dry_run, subresource=target.subresource, field_manager=query.field_manager
    )
    existed = world.registry.find(target.rt, target.namespace or "", target.name) is not None
    entry = world.registry.patch(target.rt, target.namespace or "", target.name, ctype, body, opts)
    return json_response(entry.raw, 200 if existed else 201)


async def delete(world: World, target: Target, query: Query, request: Request) -> Response:
    _require(target, "delete")
    body = await read_json(request)
    options: Obj = body if isinstance(body, dict) else {}
    dry_run = query.dry_run or "All" in (options.get("dryRun") or [])
    propagation = options.get("propagationPolicy") or query.propagation
    grace = options.get("gracePeriodSeconds", query.grace_seconds)
    if target.name is None:
        return _delete_collection(world, target, query, dry_run=dry_run, propagation=propagation, grace=grace)
    entry = world.registry.delete(
        target.rt,
        target.namespace or "",
        target.name,
        propagation=propagation,
        grace_seconds=grace,
        dry_run=dry_run,
    )
    return json_response(entry.raw)


def _delete_collection(
    world: World, target: Target, query: Query, *, dry_run: bool, propagation: str | None, grace: int | None
) -> Response:
    if "deletecollection" not in target.rt.verbs:
        raise method_not_allowed()
    rt = target.rt
    accepts = entry_filter(query, target.namespace)
    entries, _ = world.store.page(rt.key, target.namespace, accepts)
    deleted = []
    for e in entries:
        try:
            deleted.append(
                world.registry.delete(
                    rt, e.namespace, e.name, propagation=propagation, grace_seconds=grace, dry_run=dry_run
                )
            )
        except ApiError:
            continue
    head = {
        "kind": rt.list_kind,
        "apiVersion": rt.api_version,
        "metadata": {"resourceVersion": str(world.store.resource_version)},
    }
    body = {**head, "items": [d.obj for d in deleted]}
    return json_response(body)
