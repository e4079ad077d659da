"""Subresources: scale, eviction and pod logs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from kubemedic.sim.errors import ApiError, bad_request, method_not_allowed
from kubemedic.sim.patch import apply_patch
from kubemedic.sim.registry import WriteOptions
from kubemedic.sim.routing import Target
from kubemedic.sim.selectors import selector_from_object
from kubemedic.sim.store import Entry
from kubemedic.sim.tables.base import selector_text
from kubemedic.sim.web import Query, json_response, read_json
from kubemedic.sim.world import World

Obj = dict[str, Any]


def _scale_of(entry: Entry) -> Obj:
    obj = entry.obj
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: obj["metadata"][k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in obj["metadata"]
        },
        "spec": {"replicas": spec.get("replicas", 0)},
        "status": {
            "replicas": status.get("replicas", 0),
            "selector": selector_text(spec.get("selector")).replace("<none>", ""),
        },
    }


async def scale(world: World, target: Target, query: Query, request: Request) -> Response:
    rt = target.rt
    assert target.name is not None
    entry = world.registry.get(rt, target.namespace or "", target.name)
    if request.method == "GET":
        return json_response(_scale_of(entry))
    body = await read_json(request)
    current = _scale_of(entry)
    if request.method == "PATCH":
        new_scale = apply_patch(request.headers.get("content-type", ""), current, body)
    elif request.method == "PUT":
        if not isinstance(body, dict):
            raise bad_request("the body of the request was not a JSON object")
        new_scale = body
    else:
        raise method_not_allowed()
    want_rv = (new_scale.get("metadata") or {}).get("resourceVersion")
    replicas = (new_scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or replicas < 0:
        raise ApiError(
            422,
            "Invalid",
            f'Scale.autoscaling "{target.name}" is invalid: spec.replicas: '
            f"Invalid value: {replicas}: must be greater than or equal to 0",
        )
    obj = entry.copy()
    obj["spec"]["replicas"] = replicas
    if want_rv:
        obj["metadata"]["resourceVersion"] = want_rv
    updated = world.registry.update(
        rt, target.namespace or "", target.name, obj, WriteOptions(dry_run=query.dry_run)
    )
    return json_response(_scale_of(updated))


def _blocking_pdb(world: World, pod: Entry) -> Entry | None:
    for pdb in world.store.items("policy/poddisruptionbudgets", pod.namespace):
        if (
            selector_from_object((pdb.obj.get("spec") or {}).get("selector")).matches(pod.labels)
            and int((pdb.obj.get("status") or {}).get("disruptionsAllowed", 0)) <= 0
        ):
            return pdb
    return None


async def evict(world: World, target: Target, query: Query, request: Request) -> Response:
    assert target.name is not None
    if request.method != "POST":
        raise method_not_allowed()
    body = await read_json(request)
    pod = world.registry.get(target.rt, target.namespace or "", target.name)
    pdb = _blocking_pdb(world, pod)
    if pdb is not None:
        raise ApiError(
            429,
            "TooManyRequests",
            "Cannot evict pod as it would violate the pod's disruption budget.",
            details={
                "causes": [
                    {
                        "reason": "DisruptionBudget",
                        "message": f"The disruption budget {pdb.name} needs "
                        f"{(pdb.obj.get('status') or {}).get('desiredHealthy', 0)} healthy pods "
                        f"and has {(pdb.obj.get('status') or {}).get('currentHealthy', 0)} "
                        f"currently",
                    }
                ]
            },
        )
    opts = (body or {}).get("deleteOptions") or {} if isinstance(body, dict) else {}
    dry = query.dry_run or "All" in (opts.get("dryRun") or [])
    world.registry.delete(
        target.rt, pod.namespace, pod.name, dry_run=dry, grace_seconds=opts.get("gracePeriodSeconds")
    )
    return json_response(
        {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201
    )


def _pick_container(pod: Entry, wanted: str | None) -> str:
    names = [str(c["name"]) for c in pod.obj["spec"].get("containers") or []]
    init = [str(c["name"]) for c in pod.obj["spec"].get("initContainers") or []]
    if wanted:
        if wanted not in names and wanted not in init:
            raise bad_request(f"container {wanted} is not valid for pod {pod.name}")
        return wanted
    if len(names) == 1:
        return names[0]
    raise bad_request(
        f"a container name must be specified for pod {pod.name}, choose one of: "
        f"[{' '.join(names)}]" + (f" or one of the init containers: [{' '.join(init)}]" if init else "")
    )


def _waiting_message(pod: Entry, container: str) -> str | None:
    for cs in (pod.obj.get("status") or {}).get("containerStatuses") or []:
        if cs.get("name") == container:
            waiting = (cs.get("state") or {}).get("waiting")
            if waiting and not cs.get("lastState", {}).get("terminated"):
                reason = waiting.get("reason", "ContainerCreating")
                detail = {
                    "ImagePullBackOff": "trying and failing to pull image",
                    "ErrImagePull": "trying and failing to pull image",
                }.get(reason, reason)
                return f'container "{container}" in pod "{pod.name}" is waiting to start: {detail}'
            return None
    return f'container "{container}" in pod "{pod.name}" is waiting to start: ContainerCreating'


async def logs(world: World, target: Target, query: Query, request: Request) -> Response:
    assert target.name is not None
    del query
    q = request.query_params
    pod = world.registry.get(target.rt, target.namespace or "", target.name)
    container = _pick_container(pod, q.get("container"))
    previous = q.get("previous") in ("true", "1")
    log = world.logs.get(pod.namespace, pod.name, container)
    if previous:
        if log is None or log.previous is None:
            raise bad_request(f'previous terminated container "{container}" in pod "{pod.name}" not found')
        lines = list(log.previous)
    else:
        waiting = _waiting_message(pod, container)
        if waiting is not None and (log is None or not log.current):
            raise bad_request(waiting)
        lines = list(log.current) if log else []
    tail = q.get("tailLines")
    if tail is not None and tail.lstrip("-").isdigit() and int(tail) >= 0:
        lines = lines[len(lines) - int(tail) :] if int(tail) else []
    text = "".join(line + "\n" for line in lines).encode()
    limit = q.get("limitBytes")
    if limit and limit.isdigit():
        text = text[: int(limit)]
    if q.get("follow") not in ("true", "1") or previous:
        return Response(text, media_type="text/plain")
    sent = len(log.current) if log else 0

    async def follow() -> AsyncIterator[bytes]:
        nonlocal sent
        yield text
        while True:
            await asyncio.sleep(0.25)
            current = world.logs.get(pod.namespace, pod.name, container)
            if world.store.get("/pods", pod.namespace, pod.name) is None:
                return
            if current is None:
                continue
            if len(current.current) < sent:
                sent = 0
            new = current.current[sent:]
            sent = len(current.current)
            if new:
                yield "".join(line + "\n" for line in new).encode()

    return StreamingResponse(follow(), media_type="text/plain")
