"""Coaches: one-time invite codes, joining, duty, listing and removal.

An operator runs `recovery-bot coach invite`, which prints a code such as `K7QF-3XPA-M2TD`
(only its SHA-256 is stored; it expires after COACH_INVITE_HOURS). The coach sends
`/coach_join K7QF-3XPA-M2TD` to the bot in a private chat and is registered.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handoff.coach_left import schedule_coach_left
from bot.handoff.models import CLAIMED, WAITING, Coach, CoachInvite, Handoff

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
_GROUPS, _GROUP_LEN = 3, 4


def new_invite_code() -> str:
    """A random code, grouped for reading aloud: 60 bits, e.g. K7QF-3XPA-M2TD."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP_LEN))
    return "-".join(chars[i : i + _GROUP_LEN] for i in range(0, len(chars), _GROUP_LEN))


def code_hash(code: str) -> str:
    """The stored form of a code: case, spaces and dashes don't matter."""
    canonical = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(canonical.encode("ascii", "ignore")).hexdigest()


async def create_invite(
    session: AsyncSession, now: datetime, hours: int, display_name: str | None = None
) -> str:
    """Store a new invite and return its code (shown once, never stored)."""
    code = new_invite_code()
    session.add(CoachInvite(code_hash=code_hash(code), display_name=display_name or None,
                            created_at=now, expires_at=now + timedelta(hours=hours)))
    await session.flush()
    return code


async def usable_invite(session: AsyncSession, code: str, now: datetime) -> CoachInvite | None:
    """The unused, unexpired invite with this code, or None."""
    if not code.strip():
        return None
    invite = (await session.execute(
        select(CoachInvite).where(CoachInvite.code_hash == code_hash(code))
    )).scalar_one_or_none()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    return invite


async def invite_by_id(session: AsyncSession, invite_id: int, now: datetime) -> CoachInvite | None:
    """An invite still usable, by id (between asking a name and registering)."""
    invite = await session.get(CoachInvite, invite_id)
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    return invite


async def coach_for(session: AsyncSession, person_id: int) -> Coach | None:
    """The person's coach registration, if they are a current coach."""
    coach = (await session.execute(
        select(Coach).where(Coach.person_id == person_id)
    )).scalar_one_or_none()
    return coach if coach is not None and coach.removed_at is None else None


async def register_coach(
    session: AsyncSession, invite: CoachInvite, person_id: int, name: str, now: datetime
) -> Coach | None:
    """Use the invite (once: a second use finds it taken) and register or re-admit the coach."""
    used = await session.execute(
        update(CoachInvite)
        .where(CoachInvite.id == invite.id, CoachInvite.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return None
    coach = (await session.execute(
        select(Coach).where(Coach.person_id == person_id)
    )).scalar_one_or_none()
    if coach is None:
        coach = Coach(person_id=person_id, display_name=name, on_duty=False, joined_at=now)
        session.add(coach)
    else:  # removed earlier, invited again
        coach.display_name, coach.removed_at, coach.joined_at = name, None, now
    await session.flush()
    invite.used_at, invite.coach_id = now, coach.id
    return coach


async def on_duty_coaches(session: AsyncSession) -> list[tuple[Coach, str]]:
    """(coach, user_key) of every current coach on duty."""
    from bot.storage.models import Person

    rows = await session.execute(
        select(Coach, Person.user_key)
        .join(Person, Person.id == Coach.person_id)
        .where(Coach.on_duty.is_(True), Coach.removed_at.is_(None))
        .order_by(Coach.id)
    )
    return [(coach, key) for coach, key in rows.all()]


async def coach_key(session: AsyncSession, coach_id: int) -> str | None:
    """The user_key of a coach's own chat."""
    from bot.storage.models import Person

    row = await session.execute(
        select(Person.user_key).join(Coach, Coach.person_id == Person.id)
        .where(Coach.id == coach_id)
    )
    return row.scalar_one_or_none()


@dataclass(frozen=True)
class CoachSummary:
    """One line of `recovery-bot coach list`."""

    id: int
    name: str
    on_duty: bool
    joined_at: datetime
    holding: int  # handoffs they are talking in now


async def list_coaches(session: AsyncSession) -> list[CoachSummary]:
    """Current coaches, oldest first."""
    coaches = (await session.execute(
        select(Coach).where(Coach.removed_at.is_(None)).order_by(Coach.id)
    )).scalars().all()
    summaries = []
    for coach in coaches:
        held = (await session.execute(
            select(Handoff.id).where(Handoff.coach_id == coach.id, Handoff.status == CLAIMED)
        )).all()
        summaries.append(CoachSummary(coach.id, coach.display_name, coach.on_duty,
                                      coach.joined_at, len(held)))
    return summaries


async def remove_coach(session: AsyncSession, coach_id: int, now: datetime) -> bool:
    """Remove a coach; a chat they hold goes back to the queue (coaches are told again, and
    the person is told their coach had to leave)."""
    coach = await session.get(Coach, coach_id)
    if coach is None or coach.removed_at is not None:
        return False
    coach.removed_at, coach.on_duty = now, False
    held = (await session.execute(
        select(Handoff).where(Handoff.coach_id == coach_id, Handoff.status == CLAIMED)
        .with_for_update()
    )).scalars().all()
    for handoff in held:
        handoff.status, handoff.coach_id, handoff.claimed_at = WAITING, None, None
        handoff.alerted_at, handoff.timeout_noticed_at, handoff.queued_at = None, None, now
        await schedule_coach_left(session, handoff, now)
    return True
