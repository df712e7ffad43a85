"""The privacy audit log: that a deletion happened, and nothing that leads back to whom.

`subject` is a random id made at deletion time (not derived from any identifier), and the
time is kept to the day, so the log can't be joined back to a person or a Telegram account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base

# PrivacyEvent.event values
DELETED_BY_REQUEST = "deleted"  # the person asked (/delete)
DELETED_BY_RETENTION = "expired"  # RETENTION_DAYS passed without a message


class PrivacyEvent(Base):
    """One deletion, under an id that can't be traced back."""

    __tablename__ = "privacy_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(12))
    on_day: Mapped[datetime]  # midnight UTC of the day it happened


class RetentionNotice(Base):
    """When a quiet person was told their data will be deleted (RETENTION_DAYS)."""

    __tablename__ = "retention_notices"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    warned_at: Mapped[datetime]
