"""Safety events: the crisis screen fired (category, rule id, when; never the text).

Revision ID: 0006_safety_events
Revises: 0005_handoff
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_safety_events"
down_revision = "0005_handoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("about_other", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_safety_events_person_created", "safety_events",
                    ["person_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_safety_events_person_created", table_name="safety_events")
    op.drop_table("safety_events")
