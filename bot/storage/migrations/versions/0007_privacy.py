"""Privacy audit log (deletions under untraceable ids) and retention notices.

Revision ID: 0007_privacy
Revises: 0006_safety_events
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_privacy"
down_revision = "0006_safety_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("event", sa.String(12), nullable=False),
        sa.Column("on_day", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "retention_notices",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retention_notices")
    op.drop_table("privacy_events")
