"""Who is calling: an API key (Authorization: Bearer km_... or X-API-Key) mapped to a role.

Roles are ordered viewer < operator < admin. With `dev=True` (only for serve --dev on 127.0.0.1),
a request without credentials is an anonymous viewer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from kubemedic.store import Store

RANK = {"viewer": 0, "operator": 1, "admin": 2}


@dataclass(frozen=True, slots=True)
class Caller:
    role: str
    via: str  # api-key | anonymous


def _credential(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key", "").strip()


def requires(role: str, store: Store, *, dev: bool) -> Callable[[Request], Awaitable[Caller]]:
    async def check(request: Request) -> Caller:
        credential = _credential(request)
        if not credential:
            if dev:
                caller = Caller("viewer", "anonymous")
            else:
                raise HTTPException(401, "credentials required: Authorization: Bearer <API key>")
        else:
            found = await store.api_keys.verify(credential)
            if found is None:
                raise HTTPException(401, "the API key is unknown or revoked")
            caller = Caller(found, "api-key")
        if RANK[caller.role] < RANK[role]:
            raise HTTPException(403, f"this needs the {role} role; the caller is {caller.role}")
        return caller

    return check
