"""minute cluster summaries (the durable context buffer), and a time index for retention

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "summaries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cluster", sa.String(253), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nodes_ready", sa.Integer, nullable=False),
        sa.Column("nodes_total", sa.Integer, nullable=False),
        sa.Column("pods_ready", sa.Integer, nullable=False),
        sa.Column("pods_total", sa.Integer, nullable=False),
        sa.Column("restarts", sa.Integer, nullable=False),
        sa.Column("incidents_open", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
    )
    op.create_index("ix_summaries_cluster_at", "summaries", ["cluster", "at", "seq"])
    op.create_index("ix_summaries_at", "summaries", ["at"])
    op.create_index("ix_timeline_at", "timeline", ["at"])


def downgrade() -> None:
    op.drop_index("ix_timeline_at", "timeline")
    op.drop_table("summaries")
