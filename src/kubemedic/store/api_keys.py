"""API keys: `km_<id>_<secret>`; only a salted scrypt digest of the secret is stored.

Verification looks the key up by its id and compares digests in constant time, so a wrong key costs
the same as a right one and the database never holds anything that works as a key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kubemedic.domain import InputError
from kubemedic.store.codec import utc
from kubemedic.store.tables import ApiKeyRow

ROLES = ("viewer", "operator", "admin")
PREFIX = "km"


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    id: str
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


def _digest(secret: str, salt: str) -> str:
    return hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32).hex()


class ApiKeys:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, name: str, role: str, now: datetime) -> tuple[str, str]:
        """Returns (key id, the full key). The full key is shown once and never stored."""
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
        if not name.strip():
            raise InputError("an API key needs a name (who or what uses it)")
        key_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
        async with self._sessions.begin() as session:
            session.add(
                ApiKeyRow(
                    id=key_id,
                    name=name.strip(),
                    role=role,
                    salt=salt,
                    digest=_digest(secret, salt),
                    created_at=now,
                    revoked_at=None,
                )
            )
        return key_id, f"{PREFIX}_{key_id}_{secret}"

    async def verify(self, key: str) -> str | None:
        """The role of a valid, unrevoked key; None otherwise."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        async with self._sessions() as session:
            row = await session.get(ApiKeyRow, parts[1])
        if row is None:
            _digest(parts[2], "00" * 16)  # same work as a real check
            return None
        ok = hmac.compare_digest(_digest(parts[2], row.salt), row.digest)
        return row.role if ok and row.revoked_at is None else None

    async def list(self) -> list[ApiKeyInfo]:
        async with self._sessions() as session:
            rows = (
                await session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))
            ).all()
        return [
            ApiKeyInfo(r.id, r.name, r.role, utc(r.created_at) or r.created_at, utc(r.revoked_at))
            for r in rows
        ]

    async def revoke(self, key_id: str, now: datetime) -> bool:
        async with self._sessions.begin() as session:
            row = await session.get(ApiKeyRow, key_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at = now
        return True
