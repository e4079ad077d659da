"""The SQLite file behind the knowledge base: documents, their passages in an FTS5 table, optional vectors.

One connection, used under a lock (the API may call from worker threads). Every write is one transaction, so
an interrupted re-index leaves the previous state, never half a document.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kubemedic.domain import InputError, KubemedicError

SCHEMA_VERSION = "2"
# bm25() weights per column: title, section, body, keywords, docref, then unindexed doc_id, category, path.
BM25_WEIGHTS = (4.0, 2.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0)
_TABLES = ("meta", "sources", "documents", "passages", "vectors")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(location TEXT PRIMARY KEY, builtin INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
    category TEXT, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
    title, section, body, keywords, docref, doc_id UNINDEXED, category UNINDEXED, path UNINDEXED,
    tokenize = 'porter unicode61');
CREATE TABLE IF NOT EXISTS vectors(passage INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, vec BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS vectors_doc ON vectors(doc_id);
"""


class KnowledgeStoreError(KubemedicError):
    """The index file cannot be used (not SQLite, FTS5 missing, another schema)."""


@dataclass(frozen=True, slots=True)
class DocumentRow:
    doc_id: str
    source: str
    path: str
    title: str
    category: str | None
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True, slots=True)
class PassageRow:
    rowid: int
    title: str
    section: str
    body: str
    doc_id: str
    category: str | None
    path: str
    rank: float


@dataclass(frozen=True, slots=True)
class NewPassage:
    section: str
    body: str


class KnowledgeStore:
    """Rows in, rows out; no parsing, no ranking policy beyond FTS5's BM25."""

    def __init__(self, path: Path | None) -> None:
        target = ":memory:" if path is None else str(path)
        if path is not None and path.is_dir():
            raise InputError(f"knowledge index path {path} is a directory; give a file path")
        self._lock = threading.RLock()
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise KnowledgeStoreError(f"cannot open knowledge index {target}: {exc}") from None
        self.rebuilt_sources: list[str] = []
        try:
            self._db.executescript(
                "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            )
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is not None and row[0] != SCHEMA_VERSION:
                self.rebuilt_sources = self._drop_old_schema()
                row = None
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise KnowledgeStoreError(f"cannot use {target} as a knowledge index: {exc}") from None
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            self._db.execute(f"INSERT INTO passages(passages, rank) VALUES ('rank', 'bm25({weights})')")
            for location in self.rebuilt_sources:
                self.add_source(location, builtin=False)
        self._db.execute("PRAGMA journal_mode = WAL" if path is not None else "PRAGMA journal_mode = MEMORY")
        self._db.execute("PRAGMA synchronous = NORMAL")

    def _drop_old_schema(self) -> list[str]:
        """An index written by another kubemedic version is derived data: drop it, keep the added folders."""
        try:
            rows = self._db.execute("SELECT location FROM sources WHERE builtin = 0").fetchall()
        except sqlite3.DatabaseError:
            rows = []
        for table in _TABLES:
            self._db.execute(f"DROP TABLE IF EXISTS {table}")
        return [r[0] for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # sources -------------------------------------------------------------------------------------------

    def add_source(self, location: str, builtin: bool) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?)", (location, int(builtin)))

    def remove_source(self, location: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM sources WHERE location = ?", (location,)).rowcount > 0

    def sources(self) -> list[tuple[str, bool, int, int]]:
        """(location, builtin, documents, passages) for every source, built-in first."""
        with self._lock:
            rows = self._db.execute(
                """SELECT s.location, s.builtin, COUNT(d.doc_id) FROM sources s
                   LEFT JOIN documents d ON d.source = s.location GROUP BY s.location
                   ORDER BY s.builtin DESC, s.location"""
            ).fetchall()
            counts = dict(
                self._db.execute(
                    """SELECT d.source, COUNT(*) FROM passages p JOIN documents d ON d.doc_id = p.doc_id
                       GROUP BY d.source"""
                ).fetchall()
            )
        return [(loc, bool(b), int(n), int(counts.get(loc, 0))) for loc, b, n in rows]

    # documents -----------------------------------------------------------------------------------------

    def documents(self, source: str) -> dict[str, DocumentRow]:
        """path -> row for every document of one source."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc_id, source, path, title, category, size, mtime_ns, sha256 FROM documents "
                "WHERE source = ?",
                (source,),
            ).fetchall()
        return {r[2]: DocumentRow(*r) for r in rows}

    def reassign(self, old_source: str, new_source: str) -> None:
        """Move every document of one source to another (a parent folder took over a child folder)."""
        with self._lock:
            self._db.execute("UPDATE documents SET source = ? WHERE source = ?", (new_source, old_source))

    def touch(self, doc_id: str, size: int, mtime_ns: int) -> None:
        """Record a new size/mtime for a document whose content did not change."""
        self._db.execute(
            "UPDATE documents SET size = ?, mtime_ns = ? WHERE doc_id = ?", (size, mtime_ns, doc_id)
        )

    def delete(self, doc_id: str) -> None:
        # Through the FTS index on docref: `WHERE doc_id = ?` would scan every passage (quadratic re-index).
        self._db.execute(
            "DELETE FROM passages WHERE rowid IN (SELECT rowid FROM passages WHERE passages MATCH ?)",
            (f'docref : "{_docref(doc_id)}"',),
        )
        self._db.execute("DELETE FROM vectors WHERE doc_id = ?", (doc_id,))
        self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def put(self, doc: DocumentRow, keywords: str, passages: Sequence[NewPassage]) -> None:
        """Insert or replace a document and all its passages (call inside `transaction()`)."""
        self.delete(doc.doc_id)
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.doc_id, doc.source, doc.path, doc.title, doc.category, doc.size, doc.mtime_ns, doc.sha256),
        )
        ref = _docref(doc.doc_id)
        self._db.executemany(
            "INSERT INTO passages(title, section, body, keywords, docref, doc_id, category, path) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc.title, p.section, p.body, keywords, ref, doc.doc_id, doc.category, doc.path)
                for p in passages
            ],
        )

    # search --------------------------------------------------------------------------------------------

    def match(self, expression: str, limit: int) -> list[PassageRow]:
        """Best `limit` passages for an FTS5 MATCH expression, best first (lower BM25 rank is better)."""
        # `rank` is set to the weighted bm25() at creation; ORDER BY rank LIMIT lets FTS5 keep only the best.
        with self._lock:
            rows = self._db.execute(
                "SELECT rowid, title, section, body, doc_id, category, path, rank "
                "FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT ?",
                (expression, limit),
            ).fetchall()
        return [PassageRow(*r) for r in rows]

    def passages_by_rowid(self, rowids: Sequence[int]) -> dict[int, PassageRow]:
        if not rowids:
            return {}
        marks = ", ".join("?" for _ in rowids)
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid, title, section, body, doc_id, category, path, 0.0 FROM passages "
                f"WHERE rowid IN ({marks})",
                list(rowids),
            ).fetchall()
        return {r[0]: PassageRow(*r) for r in rows}

    # vectors -------------------------------------------------------------------------------------------

    def passages_without_vectors(self) -> list[tuple[int, str, str, str, str]]:
        """(rowid, doc_id, title, section, body) of passages that have no stored vector yet."""
        with self._lock:
            return self._db.execute(
                "SELECT p.rowid, p.doc_id, p.title, p.section, p.body FROM passages p "
                "LEFT JOIN vectors v ON v.passage = p.rowid WHERE v.passage IS NULL"
            ).fetchall()

    def put_vectors(self, rows: Sequence[tuple[int, str, bytes]]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def drop_vectors_not_of_size(self, nbytes: int) -> int:
        """Delete vectors of another size (another embedder) so they get recomputed; returns the count."""
        with self._lock:
            return self._db.execute("DELETE FROM vectors WHERE length(vec) != ?", (nbytes,)).rowcount

    def vectors(self) -> list[tuple[int, bytes]]:
        with self._lock:
            return self._db.execute("SELECT passage, vec FROM vectors ORDER BY passage").fetchall()


def _docref(doc_id: str) -> str:
    """One opaque word per document, indexed (weight 0) so a document's passages can be found by the index."""
    return "d" + hashlib.sha1(doc_id.encode()).hexdigest()[:20]
