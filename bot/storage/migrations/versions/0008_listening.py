"""Listening: several check-ins a day are kept side by side; milestones people chose to keep.

Revision ID: 0008_listening
Revises: 0007_privacy
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_listening"
down_revision = "0007_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.drop_constraint("uq_checkins_person_day", type_="unique")
        batch.create_index("ix_checkins_person_day", ["person_id", "local_date"])
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("milestones")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_index("ix_checkins_person_day")
        batch.create_unique_constraint("uq_checkins_person_day", ["person_id", "local_date"])
