"""A key canary: one value encrypted at first start, read at every start.

Revision ID: 0009_key_canary
Revises: 0008_listening
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_key_canary"
down_revision = "0008_listening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_canary",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("key_canary")
