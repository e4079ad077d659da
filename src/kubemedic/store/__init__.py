"""Persistence: findings and incidents with a lifecycle, the per-object timeline, minute summaries
(SQLite or PostgreSQL)."""

from kubemedic.store.records import (
    ApplyResult,
    ClusterSummary,
    OpenOverview,
    Page,
    PurgeResult,
    StoredFinding,
    StoredIncident,
    TimelineEntry,
)
from kubemedic.store.store import Store
from kubemedic.store.urls import default_url, parse_url

__all__ = [
    "ApplyResult",
    "ClusterSummary",
    "OpenOverview",
    "Page",
    "PurgeResult",
    "Store",
    "StoredFinding",
    "StoredIncident",
    "TimelineEntry",
    "default_url",
    "parse_url",
]
