"""When a person's check-in and weekly summary are due, and keeping their rows in step.

The person's settings (check-in time, zone, quiet hours, a pause) decide each due time; the
`nudges` rows only cache the answer. `reconcile_nudges` runs after a step that changed the
person's check-in time, zone or reachability (an after-step hook comparing the profile before
and after the step), and where a pause, quiet hours or the weekly summary change; a held row
(the person had blocked the bot) comes back to life as soon as they write again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.models import CheckinPreferences
from bot.scheduling.models import DONE, HELD, Nudge
from bot.scheduling.recurrence import (
    local_date,
    next_daily_at,
    next_on_weekday,
    on_local_date,
    shift_out_of_quiet_hours,
)
from bot.scheduling.store import move_nudge, schedule_recurring
from bot.storage.models import Person

CHECKIN = "checkin"
WEEKLY = "weekly_summary"
RECURRING = (CHECKIN, WEEKLY)
WEEKLY_SUMMARY_WEEKDAY = 6  # Sunday
WEEKLY_SUMMARY_TIME = time(18, 0)


def parse_hhmm(value: str | None) -> time | None:
    """'20:30' -> time(20, 30); None stays None."""
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


async def preferences(session: AsyncSession, person_id: int) -> CheckinPreferences | None:
    """The person's check-in preferences, if they ever set any."""
    return await session.get(CheckinPreferences, person_id)


async def preferences_for_update(
    session: AsyncSession, person_id: int, now: datetime
) -> CheckinPreferences:
    """The person's preferences row, created with defaults on first use."""
    prefs = await session.get(CheckinPreferences, person_id)
    if prefs is None:
        prefs = CheckinPreferences(person_id=person_id, weekly_summary=False, updated_at=now)
        session.add(prefs)
    prefs.updated_at = now
    return prefs


def _earliest(prefs: CheckinPreferences | None, tz: str, after: datetime) -> datetime:
    """`after`, or the start of the day the pause ends if that is later."""
    if prefs is None or prefs.paused_until is None:
        return after
    resume = on_local_date(time(0, 0), prefs.paused_until, tz) - timedelta(seconds=1)
    return max(after, resume)


def out_of_quiet_hours(when: datetime, prefs: CheckinPreferences | None, tz: str) -> datetime:
    """`when`, moved to the end of the person's quiet hours if it falls inside them."""
    if prefs is None:
        return when
    return shift_out_of_quiet_hours(
        when, parse_hhmm(prefs.quiet_start), parse_hhmm(prefs.quiet_end), tz
    )


def next_checkin_at(
    checkin_time: str, tz: str, prefs: CheckinPreferences | None, after: datetime
) -> datetime:
    """The next daily check-in after `after`: past any pause, out of quiet hours (UTC)."""
    due = next_daily_at(parse_hhmm(checkin_time) or time(0, 0), tz, _earliest(prefs, tz, after))
    return out_of_quiet_hours(due, prefs, tz)


def next_weekly_summary_at(tz: str, prefs: CheckinPreferences | None, after: datetime) -> datetime:
    """The next weekly summary (Sunday evening, local) after `after`, in UTC."""
    due = next_on_weekday(
        WEEKLY_SUMMARY_TIME, WEEKLY_SUMMARY_WEEKDAY, tz, _earliest(prefs, tz, after)
    )
    return out_of_quiet_hours(due, prefs, tz)


def is_paused(prefs: CheckinPreferences | None, tz: str, now: datetime) -> bool:
    """Whether the person asked for a break that has not ended yet."""
    return bool(prefs and prefs.paused_until and local_date(now, tz) < prefs.paused_until)


def next_due_for(
    kind: str, person: Person, prefs: CheckinPreferences | None, after: datetime
) -> datetime | None:
    """The next occurrence of a recurring nudge, or None when it should not exist."""
    if not person.timezone:
        return None
    if kind == CHECKIN:
        if not person.checkin_time:
            return None
        return next_checkin_at(person.checkin_time, person.timezone, prefs, after)
    if kind == WEEKLY:
        if prefs is None or not prefs.weekly_summary:
            return None
        return next_weekly_summary_at(person.timezone, prefs, after)
    raise ValueError(f"'{kind}' is not a recurring nudge kind ({RECURRING})")


def _wanted_wall_time(kind: str, person: Person) -> str | None:
    return person.checkin_time if kind == CHECKIN else WEEKLY_SUMMARY_TIME.strftime("%H:%M")


async def reconcile_nudges(
    session: AsyncSession, person: Person, now: datetime, *, force: bool = False
) -> None:
    """Brings the person's recurring nudge rows in line with their settings.

    Args:
        session: The step's transaction.
        person: The person (locked by the step).
        now: The step's time.
        force: Recompute every due time (after a pause, quiet hours or weekly change).
    """
    rows = {
        row.kind: row
        for row in (
            await session.execute(
                select(Nudge).where(Nudge.person_id == person.id, Nudge.kind.in_(RECURRING))
            )
        ).scalars()
    }
    prefs: CheckinPreferences | None = None
    prefs_loaded = False
    for kind in RECURRING:
        row = rows.get(kind)
        changed = row is None or force or (
            row.local_time != _wanted_wall_time(kind, person)
            or row.timezone != person.timezone
            or row.status == DONE
            or (row.status == HELD and person.active)
        )
        if row is not None and not changed:
            continue
        if row is None and not force and (
            kind == WEEKLY or not (person.checkin_time and person.timezone)
        ):
            continue  # nothing wanted, nothing there: the common case costs no more reads
        if not prefs_loaded:
            prefs, prefs_loaded = await preferences(session, person.id), True
        due = next_due_for(kind, person, prefs, now)
        if due is None:
            if row is not None:
                await session.execute(delete(Nudge).where(Nudge.id == row.id))
            continue
        schedule_recurring(session, row, person, kind, due, now,
                           local_time=_wanted_wall_time(kind, person))


async def snooze_checkin(
    session: AsyncSession, person_id: int, until: datetime, now: datetime
) -> bool:
    """Moves today's check-in nudge to `until`; False if the person has none."""
    return await move_nudge(session, person_id, CHECKIN, until, now)


def pause_end(today: date, days: int) -> date:
    """The local date check-ins start again after a pause of `days` days from `today`."""
    return today + timedelta(days=days)
