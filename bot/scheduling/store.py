"""The schedule's rows: write them, claim due ones under a lease, and record what happened.

Every domain writes its rows through `schedule_once` (a one-off: a crisis follow-up, a
coach-left notice) or `schedule_recurring` (a daily check-in, a plan-step reminder).

Claiming is one UPDATE over a sub-select of due rows. On PostgreSQL the sub-select takes
``FOR UPDATE SKIP LOCKED``, so two dispatchers on one database get disjoint rows; on SQLite
the single statement is atomic because SQLite has one writer at a time. A claim writes
``claimed_until`` (the lease) and a token; results are written only while the token still
matches, so a dispatcher whose lease ran out cannot overwrite a newer claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduling.kinds import DueNudge
from bot.scheduling.models import HELD, SCHEDULED, Nudge
from bot.storage.db import Database
from bot.storage.models import Person


async def schedule_once(
    session: AsyncSession, person_id: int, kind: str, due_at: datetime, now: datetime, *,
    ref: str = "",
) -> Nudge:
    """A one-off nudge of `kind` due at `due_at`; the person's existing one (same `ref`) moves.

    The row is locked while it is moved, so a dispatcher holding an old claim can't record
    over it (its token no longer matches).
    """
    row = (await session.execute(
        select(Nudge).where(Nudge.person_id == person_id, Nudge.kind == kind, Nudge.ref == ref)
        .with_for_update()
    )).scalar_one_or_none()
    if row is None:
        row = Nudge(person_id=person_id, kind=kind, ref=ref, attempts=0, created_at=now)
        session.add(row)
    row.status = SCHEDULED
    row.due_at = due_at
    row.attempts = 0
    release(row, now)
    return row


def schedule_recurring(
    session: AsyncSession, row: Nudge | None, person: Person, kind: str, due_at: datetime,
    now: datetime, *, local_time: str | None,
) -> Nudge:
    """Creates or moves the person's recurring nudge row of `kind` to `due_at`.

    It remembers the wall time and zone it was computed from (a change is noticed cheaply)
    and is held, not scheduled, while the person can't be reached.
    """
    if row is None:
        row = Nudge(person_id=person.id, kind=kind, ref="", attempts=0, created_at=now)
        session.add(row)
    row.status = SCHEDULED if person.active else HELD
    row.due_at = due_at
    row.attempts = 0
    row.local_time = local_time
    row.timezone = person.timezone
    row.updated_at = now
    return row


async def move_nudge(
    session: AsyncSession, person_id: int, kind: str, due_at: datetime, now: datetime
) -> bool:
    """Moves the person's existing nudge of `kind` to `due_at` (a snooze); False if none."""
    row = (await session.execute(
        select(Nudge).where(Nudge.person_id == person_id, Nudge.kind == kind, Nudge.ref == "")
        .with_for_update()
    )).scalar_one_or_none()
    if row is None:
        return False
    row.due_at = due_at
    row.status = SCHEDULED
    release(row, now)
    return True


def claimable(now: datetime):  # type: ignore[no-untyped-def]
    """The SELECT of ids due at `now` and not under a live lease, oldest first."""
    return (
        select(Nudge.id)
        .where(
            Nudge.status == SCHEDULED,
            Nudge.due_at <= now,
            or_(Nudge.claimed_until.is_(None), Nudge.claimed_until <= now),
        )
        .order_by(Nudge.due_at)
    )


async def claim_due(
    db: Database, now: datetime, *, limit: int, lease: timedelta, token: str
) -> list[DueNudge]:
    """Claims up to `limit` due nudges until `now + lease`; returns them with their person."""
    pick = claimable(now).limit(limit)
    if db.is_postgres:
        pick = pick.with_for_update(skip_locked=True)
    async with db.session() as session:
        claimed = (
            await session.execute(
                update(Nudge)
                .where(Nudge.id.in_(pick.scalar_subquery()))
                .values(claimed_until=now + lease, claim_token=token)
                .returning(Nudge.id)
                .execution_options(synchronize_session=False)
            )
        ).scalars().all()
        if not claimed:
            return []
        rows = await session.execute(
            select(Nudge, Person.user_key, Person.active)
            .join(Person, Person.id == Nudge.person_id)
            .where(Nudge.id.in_(claimed))
            .order_by(Nudge.due_at)
        )
        return [
            DueNudge(
                id=nudge.id, person_id=nudge.person_id, user_key=user_key,
                person_active=bool(active), kind=nudge.kind, ref=nudge.ref,
                due_at=nudge.due_at, attempts=nudge.attempts,
            )
            for nudge, user_key, active in rows
        ]


async def held_row(session: AsyncSession, due: DueNudge, token: str) -> Nudge | None:
    """The claimed row, locked, if this claim still holds it (None if the lease was lost)."""
    query = (
        select(Nudge)
        .where(Nudge.id == due.id, Nudge.claim_token == token)
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


def release(row: Nudge, now: datetime) -> None:
    """Ends the claim on a row."""
    row.claimed_until = None
    row.claim_token = None
    row.updated_at = now
