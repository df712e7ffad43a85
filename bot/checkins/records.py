"""Storing check-ins (several a day are kept) and milestones, and reading them back."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.models import NOT_TO_PLAN, PARTLY, TO_PLAN, Checkin, Milestone
from bot.coaching.progress import DayRecord, merge_day

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
    """Stores a check-in for local date `day`; one already there that day is kept beside it."""
    row = Checkin(person_id=person_id, local_date=day, created_at=now, updated_at=now,
                  mood=mood, craving=craving, went_to_plan=went_to_plan, note=note)
    session.add(row)
    await session.flush()
    return row


async def save_milestone(session: AsyncSession, person_id: int, day: date, now: datetime,
                         note: str | None) -> Milestone:
    """Keeps good news the person chose to add to their progress."""
    row = Milestone(person_id=person_id, local_date=day, note=note, created_at=now)
    session.add(row)
    await session.flush()
    return row


async def count_milestones(session: AsyncSession, person_id: int) -> int:
    """How many milestones the person kept."""
    total = await session.execute(
        select(func.count()).select_from(Milestone).where(Milestone.person_id == person_id)
    )
    return int(total.scalar_one())


async def checked_in_on(session: AsyncSession, person_id: int, day: date) -> bool:
    """Whether the person has a check-in for local date `day`."""
    found = await session.execute(
        select(Checkin.id).where(Checkin.person_id == person_id, Checkin.local_date == day)
    )
    return found.first() is not None


async def count_checkins(session: AsyncSession, person_id: int) -> int:
    """How many days the person has checked in, all time."""
    total = await session.execute(
        select(func.count(func.distinct(Checkin.local_date)))
        .where(Checkin.person_id == person_id)
    )
    return int(total.scalar_one())


async def latest_checkins(session: AsyncSession, person_id: int,
                          limit: int) -> list[tuple[int | None, str | None]]:
    """(mood, went_to_plan) of the person's latest `limit` check-ins, newest first."""
    rows = await session.execute(
        select(Checkin.mood, Checkin.went_to_plan).where(Checkin.person_id == person_id)
        .order_by(Checkin.created_at.desc(), Checkin.id.desc()).limit(limit)
    )
    return [(mood, went) for mood, went in rows]


async def day_records(session: AsyncSession, person_id: int) -> list[DayRecord]:
    """Every day with a check-in as a `DayRecord` (several check-ins a day merged, see
    `coaching.progress.merge_day`); the note is not decrypted."""
    rows = await session.execute(
        select(Checkin.local_date, Checkin.mood, Checkin.craving, Checkin.went_to_plan)
        .where(Checkin.person_id == person_id)
        .order_by(Checkin.local_date, Checkin.id)
    )
    by_day: dict[date, list[DayRecord]] = {}
    for day, mood, craving, went in rows:
        by_day.setdefault(day, []).append(
            DayRecord(day, mood, craving, _TO_PLAN_FLAG.get(went) if went else None))
    return [merge_day(records) for records in by_day.values()]
