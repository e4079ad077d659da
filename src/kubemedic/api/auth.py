"""Who is calling: an API key (Authorization: Bearer km_... or X-API-Key) mapped to a role.

Roles are ordered viewer < operator < admin. With `dev=True` (only for serve --dev on 127.0.0.1),
a request without credentials is an anonymous viewer.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import jwt
from fastapi import HTTPException, Request

from kubemedic.cluster.tokenreview import ReviewedToken
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


@dataclass(frozen=True, slots=True)
class JwtSettings:
    """Bearer JWTs: an HS256 shared secret or an RS256 public key (PEM), checked issuer and audience."""

    key: str
    algorithms: tuple[str, ...] = ("HS256",)
    issuer: str | None = None
    audience: str | None = None
    role_claim: str = "role"


# A Kubernetes identity's groups -> our role (the highest match wins); authenticated users are viewers.
DEFAULT_GROUP_ROLES = {"system:masters": "admin"}
REVIEW_CACHE_S = 30.0


@dataclass
class Authenticator:
    store: Store
    dev: bool = False
    jwt: JwtSettings | None = None
    tokenreview: Callable[[str], Awaitable[ReviewedToken]] | None = None
    group_roles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GROUP_ROLES))
    clock: Callable[[], float] = time.monotonic
    _cache: dict[str, tuple[float, Caller | None]] = field(default_factory=dict)

    async def identify(self, credential: str) -> Caller:
        if credential.startswith("km_"):
            role = await self.store.api_keys.verify(credential)
            if role is None:
                raise HTTPException(401, "the API key is unknown or revoked")
            return Caller(role, "api-key")
        if self.jwt is not None and credential.count(".") == 2:
            return self._jwt(credential)
        if self.tokenreview is not None:
            return await self._reviewed(credential)
        raise HTTPException(401, "unrecognized credentials (an API key km_..., or a JWT when configured)")

    def _jwt(self, token: str) -> Caller:
        assert self.jwt is not None
        try:
            claims = jwt.decode(
                token,
                self.jwt.key,
                algorithms=list(self.jwt.algorithms),
                audience=self.jwt.audience,
                issuer=self.jwt.issuer,
                options={"require": ["exp"]},
            )
        except jwt.ExpiredSignatureError:
            raise HTTPException(401, "the token has expired") from None
        except jwt.InvalidAudienceError:
            raise HTTPException(401, "the token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise HTTPException(401, "the token comes from an untrusted issuer") from None
        except jwt.PyJWTError as exc:
            raise HTTPException(401, f"invalid token: {exc}") from None
        role = str(claims.get(self.jwt.role_claim, "viewer"))
        if role not in RANK:
            raise HTTPException(403, f"the token's role {role!r} is not one of {', '.join(RANK)}")
        return Caller(role, "jwt")

    async def _reviewed(self, token: str) -> Caller:
        """A Kubernetes bearer token, checked with TokenReview; answers are cached briefly."""
        assert self.tokenreview is not None
        key = hashlib.sha256(token.encode()).hexdigest()
        now = self.clock()
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < REVIEW_CACHE_S:
            caller = cached[1]
        else:
            try:
                reviewed = await self.tokenreview(token)
            except Exception as exc:  # boundary: the cluster could not answer
                raise HTTPException(503, f"cannot verify the token with the cluster: {exc}") from None
            caller = None
            if reviewed.authenticated:
                roles = [self.group_roles[g] for g in reviewed.groups if g in self.group_roles]
                caller = Caller(max(roles, key=RANK.__getitem__) if roles else "viewer", "kubernetes")
            self._cache[key] = (now, caller)
        if caller is None:
            raise HTTPException(401, "the cluster does not recognise this token")
        return caller


def requires(role: str, authn: Authenticator) -> Callable[[Request], Awaitable[Caller]]:
    async def check(request: Request) -> Caller:
        credential = _credential(request)
        if not credential:
            if not authn.dev:
                raise HTTPException(401, "credentials required: Authorization: Bearer <API key or token>")
            caller = Caller("viewer", "anonymous")
        else:
            caller = await authn.identify(credential)
        if RANK[caller.role] < RANK[role]:
            raise HTTPException(403, f"this needs the {role} role; the caller is {caller.role}")
        return caller

    return check
