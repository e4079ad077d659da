"""Minimal OpenAPI v3 (and v2) documents: enough for `kubectl apply` validation and `kubectl explain`.

Every kind gets a schema with the standard top-level fields; spec and status accept any fields
(`x-kubernetes-preserve-unknown-fields`), so client-side validation never rejects a manifest.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from starlette.responses import Response

from kubemedic.sim.errors import ApiError
from kubemedic.sim.resources import RESOURCES, ResourceType, group_versions
from kubemedic.sim.web import json_response
from kubemedic.sim.world import World

Obj = dict[str, Any]

_OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
_GROUP_PACKAGE = {
    "": "core",
    "apps": "apps",
    "batch": "batch",
    "policy": "policy",
    "autoscaling": "autoscaling",
}


def _gv_path(group: str, version: str) -> str:
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def schema_name(rt: ResourceType) -> str:
    pkg = _GROUP_PACKAGE.get(rt.group, rt.group.split(".")[0])
    return f"io.k8s.api.{pkg}.{rt.version}.{rt.kind}"


def _kind_schema(rt: ResourceType) -> Obj:
    return {
        "description": f"{rt.kind} is served by the kubemedic simulated cluster ({rt.api_version}).",
        "type": "object",
        "properties": {
            "apiVersion": {
                "description": "APIVersion defines the versioned schema of this representation of an object.",
                "type": "string",
            },
            "kind": {
                "description": "Kind is a string value representing the REST resource this object "
                "represents.",
                "type": "string",
            },
            "metadata": {
                "description": "Standard object's metadata.",
                "allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}],
                "default": {},
            },
            "spec": {**_OPEN, "description": f"Specification of the desired behavior of the {rt.kind}."},
            "status": {**_OPEN, "description": f"Most recently observed status of the {rt.kind}."},
        },
        "x-kubernetes-group-version-kind": [{"group": rt.group, "kind": rt.kind, "version": rt.version}],
    }


def _object_meta() -> Obj:
    fields = ("name", "namespace", "generateName", "uid", "resourceVersion", "creationTimestamp")
    props: Obj = {f: {"type": "string", "description": f"metadata.{f}"} for f in fields}
    props["labels"] = {
        "type": "object",
        "additionalProperties": {"type": "string", "default": ""},
        "description": "Map of string keys and values that can be used to organize objects.",
    }
    props["annotations"] = {
        "type": "object",
        "additionalProperties": {"type": "string", "default": ""},
        "description": "Annotations is an unstructured key value map.",
    }
    return {
        "description": "ObjectMeta is metadata that all persisted resources must have.",
        "type": "object",
        "properties": props,
        "x-kubernetes-preserve-unknown-fields": True,
    }


def _paths(rt: ResourceType) -> Obj:
    """Read operations for the collection and the object; explain finds a resource's kind through them."""
    prefix = f"/{_gv_path(rt.group, rt.version)}"
    base = f"{prefix}/namespaces/{{namespace}}/{rt.plural}" if rt.namespaced else f"{prefix}/{rt.plural}"
    gvk = {"group": rt.group, "version": rt.version, "kind": rt.kind}

    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name(rt)}"}}}
    write_params = [
        {"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
        for n in ("dryRun", "fieldManager", "fieldValidation")
    ]

    def op(verb: str, action: str, params: bool = False) -> Obj:
        body: Obj = {
            "operationId": f"{action}{rt.kind}",
            "responses": {"200": {"description": "OK", "content": content}},
            "x-kubernetes-action": action,
            "x-kubernetes-group-version-kind": gvk,
        }
        if params:
            body["parameters"] = write_params
        return {verb: body}

    collection: Obj = {**op("get", "list")}
    item: Obj = {**op("get", "get")}
    if "create" in rt.verbs:
        collection.update(op("post", "post", params=True))
    if "update" in rt.verbs:
        item.update(op("put", "put", params=True))
    if "patch" in rt.verbs:
        item.update(op("patch", "patch", params=True))
    return {base: collection, f"{base}/{{name}}": item}


def group_version_document(group: str, version: str) -> Obj:
    kinds = [r for r in RESOURCES if r.group == group and r.version == version]
    schemas: Obj = {schema_name(r): _kind_schema(r) for r in kinds}
    schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = _object_meta()
    paths: Obj = {}
    for r in kinds:
        paths.update(_paths(r))
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.4"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _hash(doc: Obj) -> str:
    return hashlib.sha256(orjson.dumps(doc)).hexdigest().upper()[:32]


def root_document() -> Obj:
    paths = {}
    for group, versions in group_versions().items():
        for v in versions:
            path = _gv_path(group, v)
            paths[path] = {
                "serverRelativeURL": f"/openapi/v3/{path}?hash={_hash(group_version_document(group, v))}"
            }
    return {"paths": paths}


def swagger_v2() -> Obj:
    definitions: Obj = {}
    for r in RESOURCES:
        schema = _kind_schema(r)
        schema["properties"]["metadata"] = {
            "description": "Standard object's metadata.",
            "$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        }
        definitions[schema_name(r)] = schema
    definitions["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = _object_meta()
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v1.32.4"},
        "paths": {},
        "definitions": definitions,
    }


def serve(world: World, path: str) -> Response:
    del world
    if path == "/openapi/v3":
        return json_response(root_document())
    if path == "/openapi/v2":
        return json_response(swagger_v2())
    if path.startswith("/openapi/v3/"):
        rest = path[len("/openapi/v3/") :].split("/")
        if rest[0] == "api" and len(rest) == 2:
            return json_response(group_version_document("", rest[1]))
        if rest[0] == "apis" and len(rest) == 3 and rest[2] in group_versions().get(rest[1], []):
            return json_response(group_version_document(rest[1], rest[2]))
    raise ApiError(404, "NotFound", "the server could not find the requested resource")
