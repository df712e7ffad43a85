"""Tables of the coach handoff: coaches, invites, handoffs, relayed messages, audit, offers.

What anyone typed (relayed messages, the coach's closing note, display names) is encrypted
at rest; what the queue is queried by (status, times, urgency) stays plain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.types import EncryptedText

# Handoff.status values
CHOOSING = "choosing"  # the person is choosing what to share; coaches don't see it yet
WAITING = "waiting"  # in the queue
CLAIMED = "claimed"  # a coach is talking with the person
CLOSED = "closed"  # ended by either side
WITHDRAWN = "withdrawn"  # the person left the queue before anyone claimed it
OPEN_STATUSES = (CHOOSING, WAITING, CLAIMED)

# Handoff.reason values
REASON_ASKED = "asked"
REASON_CHECKINS = "checkins"
REASON_CRISIS = "crisis"
REASONS = (REASON_ASKED, REASON_CHECKINS, REASON_CRISIS)


class Coach(Base):
    """A trained peer who can claim handoffs. Also a person of the bot (their own chat)."""

    __tablename__ = "coaches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), unique=True
    )
    display_name: Mapped[str] = mapped_column(EncryptedText)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class CoachInvite(Base):
    """A one-time code an operator made; only its hash is kept."""

    __tablename__ = "coach_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaches.id", ondelete="SET NULL")
    )


class Handoff(Base):
    """One request for a human coach, from asking to closing.

    Coaches know it only by its number (`#<id>`) and what the person chose to share.
    """

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_status_urgent", "status", "urgent", "queued_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(EncryptedText)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    share_name: Mapped[bool] = mapped_column(Boolean, default=False)
    share_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    share_checkins: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    alerted_at: Mapped[datetime | None]  # None: coaches not told yet (the tick tells them)
    timeout_noticed_at: Mapped[datetime | None]  # when the person was told nobody was free
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaches.id", ondelete="SET NULL"), index=True
    )
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(10))  # person | coach
    note: Mapped[str | None] = mapped_column(EncryptedText)
    note_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[str | None] = mapped_column(EncryptedText)

    @property
    def number(self) -> str:
        """How coaches and the person refer to it: "#12"."""
        return f"#{self.id}"


class HandoffMessage(Base):
    """One relayed message, kept for the person's own export."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(10))  # person | coach
    text: Mapped[str] = mapped_column(EncryptedText)
    sent_at: Mapped[datetime]


class HandoffAudit(Base):
    """Who did what to whose handoff, when. Never any message text."""

    __tablename__ = "handoff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("coaches.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(12))  # claim | view | note | end
    at: Mapped[datetime]


class HandoffOffer(Base):
    """When the bot offered a coach after hard check-ins (so it doesn't keep asking)."""

    __tablename__ = "handoff_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    offered_at: Mapped[datetime]
