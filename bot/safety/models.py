"""Safety events: that the crisis screen fired for a person, and when. Never the text.

One row per crisis message. The category (a pseudonym) and the rule id (encrypted) say what
kind of crisis the screen saw, for follow-up and for measuring the screen; what the person
wrote is not kept here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.types import EncryptedText, Pseudonymous


class SafetyEvent(Base):
    """The crisis screen fired on one message of this person."""

    __tablename__ = "safety_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(Pseudonymous)  # queried by value: a pseudonym
    rule: Mapped[str] = mapped_column(EncryptedText)  # a rule id: it nearly repeats the words
    about_other: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_safety_events_person_created", "person_id", "created_at"),)
