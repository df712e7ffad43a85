"""Daily check-ins and the person's check-in preferences.

A person may check in more than once a day: each check-in is kept (a good morning is not
lost to a hard evening).
What the person typed (the note) is encrypted; the numbers a chart needs stay plain.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.types import EncryptedJSON, EncryptedText

# How a day went against the plan (values of `Checkin.went_to_plan`).
TO_PLAN = "yes"
PARTLY = "partly"
NOT_TO_PLAN = "no"


class Checkin(Base):
    """How one local day went, in the person's own answers."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    # The answers are health details: encrypted at rest like the note.
    mood: Mapped[int | None] = mapped_column(EncryptedJSON)  # 1 (really hard) .. 5 (good)
    craving: Mapped[int | None] = mapped_column(EncryptedJSON)  # 0 .. 10
    went_to_plan: Mapped[str | None] = mapped_column(EncryptedText)  # yes | partly | no
    note: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_checkins_person_day", "person_id", "local_date"),)


class Milestone(Base):
    """Good news the person chose to keep in their progress ("30 days today")."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    local_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(EncryptedText)  # their words, encrypted
    created_at: Mapped[datetime]


class CheckinPreferences(Base):
    """How the person wants to be nudged: quiet hours, a pause, a weekly summary."""

    __tablename__ = "checkin_preferences"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" local, None = off
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    paused_until: Mapped[date | None] = mapped_column(Date)  # local date nudges start again
    weekly_summary: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]
