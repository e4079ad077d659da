"""Runbooks shipped in the package and the user's own notes, searchable offline (SQLite FTS5 BM25, optional
sentence embeddings fused by reciprocal rank fusion). The assistant explains findings with
`runbook(category)` and grounds answers with `search(query)`.
"""

from kubemedic.knowledge.base import KnowledgeBase
from kubemedic.knowledge.embeddings import Embedder, default_embedder, extra_installed, packaged_embedder
from kubemedic.knowledge.models import IndexReport, Passage, Runbook, Source

__all__ = [
    "Embedder",
    "IndexReport",
    "KnowledgeBase",
    "Passage",
    "Runbook",
    "Source",
    "default_embedder",
    "extra_installed",
    "packaged_embedder",
]
