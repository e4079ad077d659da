"""The knowledge base's public value types: what a search returns, what a runbook holds, what indexing did.

Frozen dataclasses, so the assistant, the API and the CLI can pass them around without sharing mutable state.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Passage:
    """One section of one document that matched a query.

    `score` is higher-is-better: the negated BM25 rank for keyword search, the fused reciprocal-rank score
    when embeddings are on. Scores compare passages of one result list, not across queries.
    """

    doc_id: str
    title: str
    section: str
    text: str
    source: str
    category: str | None
    score: float


@dataclass(frozen=True, slots=True)
class Runbook:
    """A built-in runbook split into the four sections an on-call engineer reads, in order."""

    category: str
    title: str
    meaning: str
    confirm: str
    fix: str
    prevent: str
    source: str


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What (re-)indexing a directory did: counts of files, and how long it took."""

    source: str
    added: int
    updated: int
    removed: int
    unchanged: int
    skipped: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


@dataclass(frozen=True, slots=True)
class Source:
    """Where indexed documents come from: the built-in runbooks or a directory a user added."""

    location: str
    builtin: bool
    documents: int
    passages: int
