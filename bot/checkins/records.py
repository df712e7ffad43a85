"""Storing check-ins (one per local day) and reading them back for progress."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.models import NOT_TO_PLAN, PARTLY, TO_PLAN, Checkin
from bot.coaching.progress import DayRecord

_TO_PLAN_FLAG = {TO_PLAN: True, PARTLY: False, NOT_TO_PLAN: False}


async def save_checkin(
    session: AsyncSession,
    person_id: int,
    day: date,
    now: datetime,
    *,
    mood: int | None,
    craving: int | None,
    went_to_plan: str | None,
    note: str | None,
) -> Checkin:
    """Stores today's check-in; a second one the same local day updates the first.

    An answer left out the second time keeps what the first check-in said.
    """
    row = (
        await session.execute(
            select(Checkin)
            .where(Checkin.person_id == person_id, Checkin.local_date == day)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        row = Checkin(person_id=person_id, local_date=day, created_at=now)
        session.add(row)
    for field, value in (("mood", mood), ("craving", craving), ("went_to_plan", went_to_plan),
                         ("note", note)):
        if value is not None or getattr(row, field, None) is None:
            setattr(row, field, value)
    row.updated_at = now
    await session.flush()
    return row


async def checked_in_on(session: AsyncSession, person_id: int, day: date) -> bool:
    """Whether the person has a check-in for local date `day`."""
    found = await session.execute(
        select(Checkin.id).where(Checkin.person_id == person_id, Checkin.local_date == day)
    )
    return found.first() is not None


async def count_checkins(session: AsyncSession, person_id: int) -> int:
    """How many days the person has checked in, all time."""
    total = await session.execute(
        select(func.count()).select_from(Checkin).where(Checkin.person_id == person_id)
    )
    return int(total.scalar_one())


async def day_records(session: AsyncSession, person_id: int) -> list[DayRecord]:
    """Every check-in as a `DayRecord` (plain columns only: the note is not decrypted)."""
    rows = await session.execute(
        select(Checkin.local_date, Checkin.mood, Checkin.craving, Checkin.went_to_plan)
        .where(Checkin.person_id == person_id)
        .order_by(Checkin.local_date)
    )
    return [
        DayRecord(day, mood, craving, _TO_PLAN_FLAG.get(went) if went else None)
        for day, mood, craving, went in rows
    ]
