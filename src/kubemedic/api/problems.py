"""Errors as RFC 9457 problem+json, with the request id, for every route."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from kubemedic.domain import InputError

PROBLEM = "application/problem+json"


def problem(request: Request, status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    rid = getattr(request.state, "request_id", "")
    if rid:
        body["request_id"] = rid
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(request, exc.status_code, _TITLES.get(exc.status_code, "Error"), str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return problem(request, 422, "Invalid request", "the request does not match the API", errors=errors)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> JSONResponse:
        return problem(request, 400, "Bad request", str(exc))


_PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def documented(*codes: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI `responses` for error codes, each answered as problem+json."""
    return {
        code: {
            "description": _TITLES.get(code, "Error"),
            "content": {PROBLEM: {"schema": _PROBLEM_SCHEMA}},
        }
        for code in codes
    }


# What any API route may answer besides its success: bad input, auth, missing, too big, too fast,
# no cluster read yet.
COMMON_ERRORS = (400, 401, 403, 404, 413, 422, 429, 503)

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Payload too large",
    422: "Invalid request",
    429: "Too many requests",
    503: "Unavailable",
}
