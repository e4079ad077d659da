"""Small response helpers: JSON bytes, Status errors, Accept negotiation, query parsing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from kubemedic.sim.errors import ApiError, bad_request

JSON = "application/json"


def json_response(body: Any, status: int = 200, content_type: str = JSON) -> Response:
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    return Response(data, status_code=status, media_type=content_type)


def error_response(err: ApiError) -> Response:
    return json_response(err.status(), err.code)


@dataclass(frozen=True)
class Query:
    label_selector: str | None
    field_selector: str | None
    limit: int
    continue_token: str | None
    resource_version: str | None
    watch: bool
    timeout_seconds: float | None
    bookmarks: bool
    dry_run: bool
    include_object: str
    propagation: str | None
    grace_seconds: int | None
    field_manager: str | None

    @classmethod
    def parse(cls, request: Request) -> Query:
        q = request.query_params
        try:
            limit = int(q.get("limit") or 0)
            timeout = float(q["timeoutSeconds"]) if q.get("timeoutSeconds") else None
            grace = int(q["gracePeriodSeconds"]) if q.get("gracePeriodSeconds") else None
        except ValueError as exc:
            raise bad_request(f"invalid query parameter: {exc}") from exc
        return cls(
            label_selector=q.get("labelSelector"),
            field_selector=q.get("fieldSelector"),
            limit=max(limit, 0),
            continue_token=q.get("continue") or None,
            resource_version=q.get("resourceVersion") or None,
            watch=q.get("watch") in ("true", "1", "True"),
            timeout_seconds=timeout,
            bookmarks=q.get("allowWatchBookmarks") in ("true", "1", "True"),
            dry_run="All" in q.getlist("dryRun"),
            include_object=q.get("includeObject") or "Metadata",
            propagation=q.get("propagationPolicy"),
            grace_seconds=grace,
            field_manager=q.get("fieldManager"),
        )


def wants_table(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "as=Table" in accept and "g=meta.k8s.io" in accept


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    ctype = request.headers.get("content-type", "")
    try:
        if "yaml" in ctype:
            import yaml

            return yaml.safe_load(raw)
        return orjson.loads(raw)
    except (orjson.JSONDecodeError, ValueError) as exc:
        raise bad_request(f"the body of the request could not be decoded: {exc}") from exc
