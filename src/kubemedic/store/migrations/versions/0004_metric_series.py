"""metric series: a catalogue of series per cluster, raw points, 1-minute and 10-minute rollups

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

ROLLUPS = ("metric_points_1m", "metric_points_10m")


def upgrade() -> None:
    op.create_table(
        "metric_series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cluster", sa.String(253), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("metric", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("namespace", sa.String(253), nullable=False),
        sa.Column("name", sa.String(253), nullable=False),
        sa.Column("container", sa.String(253), nullable=False),
        sa.UniqueConstraint("cluster", "key", name="uq_metric_series_cluster_key"),
    )
    op.create_index("ix_metric_series_labels", "metric_series", ["cluster", "metric", "namespace", "name"])
    # Points are keyed (series, time) and stored without SQLite's hidden rowid: the table is its index.
    op.create_table(
        "metric_points_raw",
        sa.Column("series_id", sa.Integer, primary_key=True),
        sa.Column("t", sa.BigInteger, primary_key=True),
        sa.Column("value", sa.Double, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_metric_points_raw_t", "metric_points_raw", ["t"])
    for table in ROLLUPS:
        op.create_table(
            table,
            sa.Column("series_id", sa.Integer, primary_key=True),
            sa.Column("t", sa.BigInteger, primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("sum", sa.Double, nullable=False),
            sa.Column("min", sa.Double, nullable=False),
            sa.Column("max", sa.Double, nullable=False),
            sa.Column("last", sa.Double, nullable=False),
            sqlite_with_rowid=False,
        )
        op.create_index(f"ix_{table}_t", table, ["t"])
        if op.get_bind().dialect.name == "postgresql":
            # every write rewrites the current buckets: room on the page lets PostgreSQL update in
            # place (HOT) instead of moving the row and its index entries (about 25 % faster, measured)
            op.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")


def downgrade() -> None:
    for table in (*ROLLUPS, "metric_points_raw", "metric_series"):
        op.drop_table(table)
