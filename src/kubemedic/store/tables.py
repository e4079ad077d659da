"""The tables, as SQLAlchemy models. Migrations (migrations/) create them; nothing calls create_all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Double, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class FindingRow(Base):
    __tablename__ = "findings"

    cluster: Mapped[str] = mapped_column(String(253), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    namespace: Mapped[str] = mapped_column(String(253))
    name: Mapped[str] = mapped_column(String(253))
    uid: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(
        JSON
    )  # message, root cause, evidence, remediation, related...
    incident_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | resolved
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    occurrences: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_findings_cluster_status", "cluster", "status"),
        Index("ix_findings_last_seen", "last_seen", "id"),
    )


class IncidentRow(Base):
    __tablename__ = "incidents"

    cluster: Mapped[str] = mapped_column(String(253), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    root_cause: Mapped[str] = mapped_column(Text)
    root_cause_finding_id: Mapped[str] = mapped_column(String(32))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # root object, finding ids, objects
    status: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TimelineRow(Base):
    __tablename__ = "timeline"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cluster: Mapped[str] = mapped_column(String(253))
    kind: Mapped[str] = mapped_column(String(100))
    namespace: Mapped[str] = mapped_column(String(253))
    name: Mapped[str] = mapped_column(String(253))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    type: Mapped[str] = mapped_column(
        String(32)
    )  # event | status | restart | finding-opened | finding-resolved
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_timeline_object", "cluster", "kind", "namespace", "name", "at"),
        Index("ix_timeline_at", "at"),
    )


class SummaryRow(Base):
    """One cluster-status summary per cluster per minute (the numbers as columns, the breakdowns as JSON)."""

    __tablename__ = "summaries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cluster: Mapped[str] = mapped_column(String(253))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    nodes_ready: Mapped[int] = mapped_column(Integer)
    nodes_total: Mapped[int] = mapped_column(Integer)
    pods_ready: Mapped[int] = mapped_column(Integer)
    pods_total: Mapped[int] = mapped_column(Integer)
    restarts: Mapped[int] = mapped_column(Integer)
    incidents_open: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # pods by phase, findings by severity, top titles

    __table_args__ = (
        Index("ix_summaries_cluster_at", "cluster", "at", "seq"),
        Index("ix_summaries_at", "at"),
    )


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # viewer | operator | admin
    salt: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SeriesRow(Base):
    """The series catalogue: one row per (cluster, series key), its labels as columns for filtering."""

    __tablename__ = "metric_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cluster: Mapped[str] = mapped_column(String(253))
    key: Mapped[str] = mapped_column(String(1024))  # SeriesId.key(): metric|kind|namespace|name|container
    metric: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    namespace: Mapped[str] = mapped_column(String(253))
    name: Mapped[str] = mapped_column(String(253))
    container: Mapped[str] = mapped_column(String(253))

    __table_args__ = (
        UniqueConstraint("cluster", "key", name="uq_metric_series_cluster_key"),
        Index("ix_metric_series_labels", "cluster", "metric", "namespace", "name"),
    )


class RawPointRow(Base):
    """A sample as collected: series id, time in epoch milliseconds, value."""

    __tablename__ = "metric_points_raw"

    series_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    t: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    value: Mapped[float] = mapped_column(Double)

    __table_args__ = (Index("ix_metric_points_raw_t", "t"), {"sqlite_with_rowid": False})


class _Rollup:
    """A bucket of a downsampled series: t = the bucket's start (epoch ms); enough to keep mean/min/max."""

    series_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    t: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    sum: Mapped[float] = mapped_column(Double)
    min: Mapped[float] = mapped_column(Double)
    max: Mapped[float] = mapped_column(Double)
    last: Mapped[float] = mapped_column(Double)


class MinutePointRow(_Rollup, Base):
    __tablename__ = "metric_points_1m"
    __table_args__ = (Index("ix_metric_points_1m_t", "t"), {"sqlite_with_rowid": False})


class TenMinutePointRow(_Rollup, Base):
    __tablename__ = "metric_points_10m"
    __table_args__ = (Index("ix_metric_points_10m_t", "t"), {"sqlite_with_rowid": False})
