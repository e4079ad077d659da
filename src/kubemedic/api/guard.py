"""The API's front door, as plain ASGI (no per-request task or body copy): a request id on every
response, the body size cap (413), the rate limit (429 with Retry-After) and the latency metric."""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kubemedic.api import problems
from kubemedic.api.limits import Limiter, retry_after
from kubemedic.service.telemetry import Metrics


def credential_key(scope: Scope, headers: dict[bytes, bytes]) -> str:
    """Bucket key: the API key's id when one is sent, else the client address."""
    header = (headers.get(b"authorization") or headers.get(b"x-api-key") or b"").decode("latin-1")
    token = header.split()[-1] if header.strip() else ""
    if token.startswith("km_") and token.count("_") >= 2:
        return f"key:{token.split('_')[1]}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


class RequestGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        limiter: Limiter | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or ())
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:200] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body_bytes:
            detail = f"the body may be at most {self.max_body_bytes} bytes"
            await self._refuse(scope, receive, send, 413, "Payload too large", detail, rid)
            return
        if self.limiter is not None and scope["path"].startswith("/api/"):
            who = credential_key(scope, headers)
            wait = await self.limiter.take(who)
            if wait > 0:
                detail = f"rate limit reached for {who.split(':')[0]}"
                extra = {"Retry-After": retry_after(wait)}
                await self._refuse(scope, receive, send, 429, "Too many requests", detail, rid, extra)
                return
        status = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.metrics is not None:
                route: Any = scope.get("route")
                self.metrics.api_latency.labels(
                    scope.get("method", ""), getattr(route, "path", "unmatched"), str(status[0])
                ).observe(time.perf_counter() - started)

    @staticmethod
    async def _refuse(
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        title: str,
        detail: str,
        rid: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        response = problems.problem(Request(scope, receive), status, title, detail)
        response.headers["X-Request-ID"] = rid
        for name, value in (headers or {}).items():
            response.headers[name] = value
        await response(scope, receive, send)
