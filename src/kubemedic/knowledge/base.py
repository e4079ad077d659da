"""KnowledgeBase: the built-in runbooks plus the user's own documents, searchable offline.

Search is SQLite FTS5 with BM25 (title and section headings weigh more than body text). When an embedder is
given (the `[embeddings]` extra), every passage also gets a sentence vector, and a query's keyword ranking
and vector ranking are merged by reciprocal rank fusion. Built-in runbooks are always indexed; directories
the user adds are remembered and re-indexed incrementally: a file whose size and mtime are unchanged is not
even read, one whose content hash is unchanged is not re-parsed, and files that disappeared are dropped.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from kubemedic.domain import InputError
from kubemedic.knowledge import markdown
from kubemedic.knowledge.embeddings import Embedder
from kubemedic.knowledge.fusion import reciprocal_rank_fusion
from kubemedic.knowledge.models import IndexReport, Passage, Runbook, Source
from kubemedic.knowledge.query import to_match
from kubemedic.knowledge.runbooks import BUILTIN_SOURCE, load_builtin_runbooks
from kubemedic.knowledge.sources import MAX_FILE_BYTES, document_files, resolve_directory
from kubemedic.knowledge.store import DocumentRow, KnowledgeStore, NewPassage, PassageRow

if TYPE_CHECKING:
    import numpy as np

MAX_LIMIT = 100
CANDIDATES = 50  # how deep each ranking goes before fusion


class KnowledgeBase:
    """Open with `KnowledgeBase.open(path)` (None = in memory, built-in runbooks only); use as `with`."""

    def __init__(self, store: KnowledgeStore, embedder: Embedder | None = None) -> None:
        self._store = store
        self._embedder = embedder
        self._builtin = load_builtin_runbooks()
        self._runbooks = {b.runbook.category: b.runbook for b in self._builtin}
        self._matrix: tuple[np.ndarray, list[int]] | None = None

    @classmethod
    def open(cls, path: Path | None, *, embedder: Embedder | None = None) -> KnowledgeBase:
        """Open (or create) the index at `path` and bring the built-in runbooks up to date in it."""
        store = KnowledgeStore(path)
        kb = cls(store, embedder)
        try:
            kb._sync_builtin()
            if store.rebuilt_sources:  # an index from another version was dropped: bring the folders back
                kb.refresh()
            kb._embed_missing()
        except BaseException:
            kb.close()
            raise
        return kb

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def uses_embeddings(self) -> bool:
        return self._embedder is not None

    # reading ---------------------------------------------------------------------------------------------

    def runbook(self, category: str) -> Runbook | None:
        """The built-in runbook for a finding category, or None if there is none."""
        return self._runbooks.get(category)

    def runbooks(self) -> list[Runbook]:
        return [self._runbooks[c] for c in sorted(self._runbooks)]

    def sources(self) -> list[Source]:
        return [Source(loc, b, docs, passages) for loc, b, docs, passages in self._store.sources()]

    def search(self, query: str, limit: int = 5, *, per_document: int = 2) -> list[Passage]:
        """The best passages for a free-text query, best first; at most `per_document` from one document.

        Raises InputError for an empty query or a limit outside 1..100. Any text is safe: FTS5 syntax in the
        query is never interpreted.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        if per_document < 1:
            raise InputError(f"per_document must be at least 1, got {per_document}")
        # Deep enough that dropping extra passages of one document still leaves `limit` results.
        keyword = self._store.match(to_match(query), max(CANDIDATES, limit * per_document * 4))
        if self._embedder is None:
            ranked = [(row, -row.rank) for row in keyword]
        else:
            ranked = self._fused(query, keyword)
        out: list[Passage] = []
        per_doc: dict[str, int] = {}
        for row, score in ranked:
            if per_doc.get(row.doc_id, 0) >= per_document:
                continue
            per_doc[row.doc_id] = per_doc.get(row.doc_id, 0) + 1
            out.append(Passage(row.doc_id, row.title, row.section, row.body, row.path, row.category, score))
            if len(out) == limit:
                break
        return out

    # writing ---------------------------------------------------------------------------------------------

    def add_directory(self, path: Path) -> IndexReport:
        """Remember a directory and (re-)index its .md/.markdown/.txt files incrementally.

        A folder inside one already added is refused (it is indexed already); a folder that contains added
        ones takes them over, so every file belongs to exactly one source.
        """
        root = resolve_directory(path)
        for src in self.sources():
            if src.builtin or src.location == str(root):
                continue
            other = Path(src.location)
            if root.is_relative_to(other):
                raise InputError(f"{path} is already indexed as part of {other}")
            if other.is_relative_to(root):
                self._store.remove_source(src.location)
                self._store.reassign(src.location, str(root))
        self._store.add_source(str(root), builtin=False)
        return self._index_directory(root)

    def refresh(self) -> list[IndexReport]:
        """Re-index every remembered directory incrementally; a vanished directory loses its documents."""
        reports = []
        for src in self.sources():
            if src.builtin:
                continue
            root = Path(src.location)
            if root.is_dir():
                reports.append(self._index_directory(root))
            else:
                reports.append(self._drop_source_documents(src.location))
        return reports

    def remove_directory(self, path: Path) -> IndexReport:
        """Forget a directory and drop its documents; InputError if it was never added."""
        location = str(path.expanduser().resolve())
        if not self._store.remove_source(location):
            raise InputError(f"{path} is not in the knowledge base (see `kubemedic kb list`)")
        return self._drop_source_documents(location)

    # internals -------------------------------------------------------------------------------------------

    def _drop_source_documents(self, location: str) -> IndexReport:
        docs = self._store.documents(location)
        with self._store.transaction():
            for row in docs.values():
                self._store.delete(row.doc_id)
        self._matrix = None
        return IndexReport(location, 0, 0, len(docs), 0)

    def _sync_builtin(self) -> None:
        self._store.add_source(BUILTIN_SOURCE, builtin=True)
        known = self._store.documents(BUILTIN_SOURCE)
        current = {b.file.source for b in self._builtin}
        stale = [
            b
            for b in self._builtin
            if (row := known.get(b.file.source)) is None or row.sha256 != b.file.sha256
        ]
        gone = [row for path, row in known.items() if path not in current]
        if not stale and not gone:
            return  # the usual case: no write, no lock
        with self._store.transaction():
            for b in stale:
                book = b.runbook
                self._store.put(
                    DocumentRow(
                        f"runbook/{book.category}",
                        BUILTIN_SOURCE,
                        b.file.source,
                        book.title,
                        book.category,
                        len(b.file.text),
                        0,
                        b.file.sha256,
                    ),
                    _keywords(book.category, b.doc.get("tags")),
                    [NewPassage(s, t) for s, t in markdown.passages(b.doc)],
                )
            for row in gone:
                self._store.delete(row.doc_id)
        self._matrix = None

    def _index_directory(self, root: Path) -> IndexReport:
        started = time.perf_counter()
        location = str(root)
        known = self._store.documents(location)
        added = updated = unchanged = skipped = 0
        seen: set[str] = set()
        with self._store.transaction():
            for path, st in document_files(root):
                key = str(path)
                seen.add(key)
                row = known.get(key)
                if row is not None and row.size == st.st_size and row.mtime_ns == st.st_mtime_ns:
                    unchanged += 1
                    continue
                if st.st_size > MAX_FILE_BYTES:
                    skipped += 1
                    continue
                try:
                    data = path.read_bytes()
                    text = data.decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    skipped += 1
                    continue
                digest = hashlib.sha256(data).hexdigest()
                if row is not None and row.sha256 == digest:
                    self._store.touch(row.doc_id, st.st_size, st.st_mtime_ns)
                    unchanged += 1
                    continue
                is_md = path.suffix.lower() != ".txt"
                try:
                    doc = markdown.parse(text, fallback_title=path.stem, where=key, markdown=is_md)
                except InputError:
                    doc = markdown.parse(text, fallback_title=path.stem, where=key, markdown=False)
                category = doc.get("category")
                self._store.put(
                    DocumentRow(
                        "doc/" + hashlib.sha1(key.encode()).hexdigest()[:12],
                        location,
                        key,
                        doc.title,
                        category,
                        st.st_size,
                        st.st_mtime_ns,
                        digest,
                    ),
                    _keywords(category, doc.get("tags")),
                    [NewPassage(s, t) for s, t in markdown.passages(doc)],
                )
                if row is None:
                    added += 1
                else:
                    updated += 1
            gone = [row for p, row in known.items() if p not in seen]
            for row in gone:
                self._store.delete(row.doc_id)
        if added or updated or gone:
            self._matrix = None
            self._embed_missing()
        return IndexReport(
            location, added, updated, len(gone), unchanged, skipped, round(time.perf_counter() - started, 4)
        )

    def _embed_missing(self) -> None:
        if self._embedder is None:
            return
        self._store.drop_vectors_not_of_size(self._embedder.dimension * 4)
        rows = self._store.passages_without_vectors()
        if not rows:
            return
        import numpy as np  # only with embeddings: keyword search never loads numpy

        vectors = self._embedder.embed(
            [_embedding_text(title, section, body) for _, _, title, section, body in rows]
        )
        with self._store.transaction():
            self._store.put_vectors(
                [
                    (rowid, doc_id, vectors[i].astype(np.float32).tobytes())
                    for i, (rowid, doc_id, *_) in enumerate(rows)
                ]
            )
        self._matrix = None

    def _fused(self, query: str, keyword: list[PassageRow]) -> list[tuple[PassageRow, float]]:
        import numpy as np

        assert self._embedder is not None
        if self._matrix is None:
            stored = self._store.vectors()
            ids = [rowid for rowid, _ in stored]
            matrix = (
                np.frombuffer(b"".join(v for _, v in stored), dtype=np.float32).reshape(len(stored), -1)
                if stored
                else np.zeros((0, self._embedder.dimension), dtype=np.float32)
            )
            self._matrix = (matrix, ids)
        matrix, ids = self._matrix
        semantic: list[int] = []
        if len(ids):
            q = self._embedder.embed([query])[0].astype(np.float32)
            sims = matrix @ q
            top = np.argsort(-sims)[:CANDIDATES]
            semantic = [ids[i] for i in top]
        fused = reciprocal_rank_fusion([[r.rowid for r in keyword], semantic])
        rows = {r.rowid: r for r in keyword}
        rows.update(self._store.passages_by_rowid([i for i, _ in fused if i not in rows]))
        return [(rows[i], score) for i, score in fused if i in rows]


def _keywords(category: str | None, tags: str | None) -> str:
    """Indexed, not shown: the category's words and any front-matter tags."""
    parts = [category.replace("-", " ")] if category else []
    if tags:
        parts.append(tags.replace(",", " "))
    return " ".join(parts)


def _embedding_text(title: str, section: str, body: str) -> str:
    return f"{title}. {section}. {body}"
