"""The handoff lifecycle: open, choose what to share, queue, claim (atomically), close.

    choosing -> waiting -> claimed -> closed
          \\________\\____ withdrawn (the person changed their mind before a claim)

Urgent handoffs (a crisis) skip `choosing`: they are queued at once, sharing nothing until
the person says what a coach may see. Coaches are told by the background tick (see
`ticks.py`), after the row is committed, so a Claim button never points at an unsaved row.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handoff.models import (
    CHOOSING,
    CLAIMED,
    CLOSED,
    OPEN_STATUSES,
    REASONS,
    WAITING,
    WITHDRAWN,
    Coach,
    Handoff,
    HandoffAudit,
    HandoffMessage,
)

SHARE_ITEMS = ("name", "plan", "checkins")


class Claim(enum.Enum):
    """What happened when a coach pressed Claim."""

    CLAIMED = "claimed"
    TAKEN = "taken"  # another coach was quicker
    GONE = "gone"  # closed or withdrawn meanwhile
    OWN = "own"  # a coach can't claim their own request
    BUSY = "busy"  # they are already talking with someone


async def active_handoff(session: AsyncSession, person_id: int) -> Handoff | None:
    """The person's open handoff (choosing, waiting or claimed), if any."""
    query = (select(Handoff)
             .where(Handoff.person_id == person_id, Handoff.status.in_(OPEN_STATUSES))
             .order_by(Handoff.id.desc()).limit(1))
    return (await session.execute(query)).scalar_one_or_none()


async def active_relay(session: AsyncSession, person_id: int) -> Handoff | None:
    """The handoff in which a coach is talking with this person right now, if any."""
    query = (select(Handoff)
             .where(Handoff.person_id == person_id, Handoff.status == CLAIMED)
             .order_by(Handoff.id.desc()).limit(1))
    return (await session.execute(query)).scalar_one_or_none()


async def held_by(session: AsyncSession, coach_id: int) -> Handoff | None:
    """The handoff a coach is talking in right now (a coach holds at most one)."""
    query = (select(Handoff)
             .where(Handoff.coach_id == coach_id, Handoff.status == CLAIMED)
             .order_by(Handoff.id.desc()).limit(1))
    return (await session.execute(query)).scalar_one_or_none()


async def start_handoff(
    session: AsyncSession, person_id: int, now: datetime, *, reason: str, urgent: bool
) -> Handoff:
    """The person's open handoff, or a new one. Urgency only ever goes up.

    A new non-urgent handoff starts in `choosing`; an urgent one (or one made urgent while
    still choosing) goes straight to the queue.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown handoff reason {reason!r}; known: {REASONS}")
    handoff = await active_handoff(session, person_id)
    if handoff is None:
        handoff = Handoff(person_id=person_id, status=CHOOSING, reason=reason, urgent=False,
                          created_at=now, note_pending=False)
        session.add(handoff)
    if urgent and not handoff.urgent:
        handoff.urgent = True
        handoff.reason = reason
        if handoff.status == WAITING:
            handoff.alerted_at = None  # tell coaches again, now as urgent
    if urgent and handoff.status == CHOOSING:
        queue(handoff, now)
    await session.flush()
    return handoff


def set_consent(handoff: Handoff, item: str, shared: bool) -> None:
    """Record the person's answer for one thing a coach may see."""
    if item not in SHARE_ITEMS:
        raise ValueError(f"unknown share item {item!r}; known: {SHARE_ITEMS}")
    setattr(handoff, f"share_{item}", bool(shared))


def shared_items(handoff: Handoff) -> list[str]:
    """What the person agreed a coach may see, in a fixed order."""
    return [item for item in SHARE_ITEMS if getattr(handoff, f"share_{item}")]


def queue(handoff: Handoff, now: datetime) -> None:
    """Put a handoff in the queue (coaches are told on the next tick)."""
    if handoff.status == CHOOSING:
        handoff.status = WAITING
        handoff.queued_at = now
        handoff.alerted_at = None


async def claim(
    session: AsyncSession, handoff_id: int, coach: Coach, now: datetime
) -> tuple[Claim, Handoff | None]:
    """Claim a waiting handoff for `coach`; exactly one of several simultaneous claims wins.

    The guarded UPDATE is the arbiter on both SQLite and PostgreSQL: only a row still
    `waiting` changes, and the row count says whether it was ours.
    """
    handoff = await session.get(Handoff, handoff_id)
    if handoff is None:
        return Claim.GONE, None
    if handoff.person_id == coach.person_id:
        return Claim.OWN, handoff
    if await held_by(session, coach.id) is not None:
        return Claim.BUSY, handoff
    result = await session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == WAITING)
        .values(status=CLAIMED, coach_id=coach.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(handoff)
    if result.rowcount == 1:  # type: ignore[attr-defined]
        audit(session, handoff.id, coach.id, "claim", now)
        return Claim.CLAIMED, handoff
    if handoff.status in (CLAIMED,):
        return Claim.TAKEN, handoff
    return Claim.GONE, handoff


def close(handoff: Handoff, by: str, now: datetime) -> None:
    """End a handoff. A claimed one closes (and waits for the coach's note); else withdrawn."""
    if handoff.status == CLAIMED:
        handoff.status = CLOSED
        handoff.note_pending = True
    else:
        handoff.status = WITHDRAWN
    handoff.closed_at, handoff.closed_by = now, by


def audit(session: AsyncSession, handoff_id: int, coach_id: int | None, action: str,
          now: datetime) -> None:
    """Write one audit line: a coach acted on a person's handoff (never any text)."""
    session.add(HandoffAudit(handoff_id=handoff_id, coach_id=coach_id, action=action, at=now))


def record_message(session: AsyncSession, handoff: Handoff, sender: str, text: str,
                   now: datetime) -> None:
    """Keep one relayed message (encrypted) for the person's own export."""
    session.add(HandoffMessage(handoff_id=handoff.id, person_id=handoff.person_id,
                               sender=sender, text=text, sent_at=now))


async def waiting_queue(session: AsyncSession) -> list[Handoff]:
    """Handoffs waiting for a coach: urgent first, then the longest waiting."""
    query = (select(Handoff).where(Handoff.status == WAITING)
             .order_by(case((Handoff.urgent.is_(True), 0), else_=1), Handoff.queued_at,
                       Handoff.id))
    return list((await session.execute(query)).scalars().all())


async def pending_note(session: AsyncSession, coach_id: int) -> Handoff | None:
    """The coach's latest closed handoff still waiting for their note."""
    query = (select(Handoff)
             .where(Handoff.coach_id == coach_id, Handoff.status == CLOSED,
                    Handoff.note_pending.is_(True))
             .order_by(Handoff.closed_at.desc(), Handoff.id.desc()).limit(1))
    return (await session.execute(query)).scalar_one_or_none()


async def recent_history(session: AsyncSession, limit: int = 20) -> list[Handoff]:
    """The latest handoffs of any status, newest first (for operators)."""
    query = select(Handoff).order_by(Handoff.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars().all())
