"""Check-ins, check-in preferences and the durable nudge schedule.

Revision ID: 0004_checkins_nudges
Revises: 0003_plans
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_checkins_nudges"
down_revision = "0003_plans"
branch_labels = None
depends_on = None


def _person_fk() -> sa.Column:
    return sa.Column(
        "person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), primary_key=True),
        _person_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.String(5), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("person_id", "kind", "ref", name="uq_nudges_person_kind_ref"),
    )
    # The dispatcher's claim query filters on status and due_at and orders by due_at.
    op.create_index("ix_nudges_status_due_at", "nudges", ["status", "due_at"])
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        _person_fk(),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("mood", sa.SmallInteger(), nullable=True),
        sa.Column("craving", sa.SmallInteger(), nullable=True),
        sa.Column("went_to_plan", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("person_id", "local_date", name="uq_checkins_person_day"),
    )
    op.create_table(
        "checkin_preferences",
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("weekly_summary", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("checkin_preferences")
    op.drop_table("checkins")
    op.drop_index("ix_nudges_status_due_at", table_name="nudges")
    op.drop_table("nudges")
