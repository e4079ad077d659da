"""Minimal OpenAPI documents (filled in later)."""

from __future__ import annotations

from starlette.responses import Response

from kubemedic.sim.errors import ApiError
from kubemedic.sim.web import json_response
from kubemedic.sim.world import World


def serve(world: World, path: str) -> Response:
    del world
    if path == "/openapi/v3":
        return json_response({"paths": {}})
    raise ApiError(404, "NotFound", "the server could not find the requested resource")
