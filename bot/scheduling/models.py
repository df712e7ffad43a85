"""The durable schedule: every future nudge is one row with its due time in UTC.

A row is claimed for a short lease (``claimed_until``) by the dispatcher that sends it; a
process killed mid-send leaves a lease that simply runs out, and the row is claimable again.
Recurring rows (the daily check-in, the weekly summary) remember the wall time and zone they
were computed from, so a change of check-in time or zone is noticed by a cheap comparison.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.types import Pseudonymous

# Row statuses. Only SCHEDULED rows are ever claimed.
SCHEDULED = "scheduled"
HELD = "held"  # the person blocked the bot: nothing is sent until they write again
DONE = "done"  # a one-off nudge that went out (or was too late to be useful)
FAILED = "failed"  # a one-off nudge that could not be sent after every retry


class Nudge(Base):
    """One future message the bot will start: a check-in, a weekly summary, a plan reminder."""

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(Pseudonymous)  # "followup" would tell of a crisis
    ref: Mapped[str] = mapped_column(String(64), default="")  # tells one-offs of a kind apart
    status: Mapped[str] = mapped_column(String(12), default=SCHEDULED)
    due_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    local_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" a recurring row follows
    timezone: Mapped[str | None] = mapped_column(String(64))
    last_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        # The claim query: WHERE status = 'scheduled' AND due_at <= now ORDER BY due_at.
        Index("ix_nudges_status_due_at", "status", "due_at"),
        UniqueConstraint("person_id", "kind", "ref", name="uq_nudges_person_kind_ref"),
    )
