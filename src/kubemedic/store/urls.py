"""Which database: a SQLite file in the data directory by default, or PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from kubemedic.domain import InputError

SUPPORTED = {"sqlite+aiosqlite": "SQLite", "postgresql+asyncpg": "PostgreSQL"}
ALIASES = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}


def default_url(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{data_dir / 'kubemedic.db'}"


def parse_url(text: str) -> URL:
    """A database URL with the async driver filled in; a clear error for anything else."""
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise InputError(f"database URL {text!r} is not a URL: {exc}") from None
    driver = ALIASES.get(url.drivername, url.drivername)
    if driver not in SUPPORTED:
        known = ", ".join(f"{k} ({v})" for k, v in SUPPORTED.items())
        raise InputError(f"database URL scheme {url.drivername!r} is not supported; use one of: {known}")
    return url.set(drivername=driver)
