"""Coaches, invites, handoffs, relayed messages, audit log and coach offers.

Revision ID: 0005_handoff
Revises: 0004_checkins_nudges
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_handoff"
down_revision = "0004_checkins_nudges"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "coaches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        _when("joined_at", nullable=False),
        _when("removed_at"),
    )
    op.create_table(
        "coach_invites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("used_at"),
        sa.Column("coach_id", sa.Integer(), sa.ForeignKey("coaches.id", ondelete="SET NULL"),
                  nullable=True),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(12), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("share_name", sa.Boolean(), nullable=False),
        sa.Column("share_plan", sa.Boolean(), nullable=False),
        sa.Column("share_checkins", sa.Boolean(), nullable=False),
        sa.Column("consent_done", sa.Boolean(), nullable=False),
        _when("created_at", nullable=False),
        _when("queued_at"),
        _when("alerted_at"),
        _when("timeout_noticed_at"),
        sa.Column("coach_id", sa.Integer(), sa.ForeignKey("coaches.id", ondelete="SET NULL"),
                  nullable=True),
        _when("claimed_at"),
        _when("closed_at"),
        sa.Column("closed_by", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("note_pending", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.String(12), nullable=True),
    )
    op.create_index("ix_handoffs_person_id", "handoffs", ["person_id"])
    op.create_index("ix_handoffs_coach_id", "handoffs", ["coach_id"])
    op.create_index("ix_handoffs_status_urgent", "handoffs", ["status", "urgent", "queued_at"])
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("sender", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _when("sent_at", nullable=False),
    )
    op.create_index("ix_handoff_messages_handoff_id", "handoff_messages", ["handoff_id"])
    op.create_index("ix_handoff_messages_person_id", "handoff_messages", ["person_id"])
    op.create_table(
        "handoff_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("coach_id", sa.Integer(), sa.ForeignKey("coaches.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("action", sa.String(12), nullable=False),
        _when("at", nullable=False),
    )
    op.create_index("ix_handoff_audit_handoff_id", "handoff_audit", ["handoff_id"])
    op.create_table(
        "handoff_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False),
        _when("offered_at", nullable=False),
    )
    op.create_index("ix_handoff_offers_person_id", "handoff_offers", ["person_id"])


def downgrade() -> None:
    op.drop_table("handoff_offers")
    op.drop_table("handoff_audit")
    op.drop_table("handoff_messages")
    op.drop_table("handoffs")
    op.drop_table("coach_invites")
    op.drop_table("coaches")
