"""SQLite settings for a store that one process writes while others read.

`serve` writes from its watcher process while its API process (and `kubemedic` commands) read. In
SQLite's default rollback-journal mode a writer must wait for every reader to finish before it
commits, sleeping in the busy handler meanwhile, and under a steady stream of API reads that wait has
no bound. Write-ahead logging lets readers and the writer go on at once (tested: a write commits while
another connection holds a read transaction open), and
with it `synchronous=NORMAL` syncs at checkpoints instead of at every commit: a crash of the process
loses nothing; a power cut may lose the last commits, never the database's consistency.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=10000")


def tune(engine: AsyncEngine) -> None:
    """Set the pragmas on every new connection of a SQLite engine (nothing for other databases)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()
