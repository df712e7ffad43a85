"""Plan steps with a day become reminders on that day; the check-in then asks how it went.

A person whose plan has steps tied to weekdays or a date has one `plan_step` nudge row: due
at `STEP_REMINDER_TIME` local time on the next day with a step (past any pause, out of quiet
hours). It is recomputed whenever the plan is saved (the "plan.saved" event) and after each
send, so it always follows the current plan and the person's current time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.schedule import is_paused, out_of_quiet_hours, preferences
from bot.coaching.plans import PlanStep, current_plan_steps
from bot.engine.messages import Outbound
from bot.engine.render import code_template
from bot.ports import Services, StepContext
from bot.scheduling.kinds import DueNudge, NudgeKind
from bot.scheduling.models import Nudge
from bot.scheduling.recurrence import local_date, on_local_date
from bot.scheduling.store import schedule_recurring
from bot.storage.models import Person
from bot.storage.people import person_view

PLAN_STEP = "plan_step"
STEP_REMINDER_TIME = time(9, 0)  # a morning nudge: the day is still ahead
STEP_GRACE = timedelta(hours=6)
LOOKAHEAD_DAYS = 400  # dated steps can be months away; weekly ones recur within 7 days
REMINDER_TEMPLATE = code_template("nudges/plan_step")


def steps_on(steps: list[PlanStep], day: date) -> list[PlanStep]:
    """The steps planned for `day` (by weekday or by date)."""
    return [s for s in steps
            if s.on_date == day or (s.on_date is None and day.weekday() in s.weekdays)]


def next_step_day(steps: list[PlanStep], start: date) -> date | None:
    """The first day from `start` on (inclusive) with a planned step."""
    days = [s.on_date for s in steps if s.on_date is not None and s.on_date >= start]
    weekdays = {d for s in steps if s.on_date is None for d in s.weekdays}
    if weekdays:
        days.append(next(start + timedelta(n) for n in range(7)
                         if (start + timedelta(n)).weekday() in weekdays))
    return min(days) if days else None


async def next_reminder_at(
    session: AsyncSession, person: Person, after: datetime
) -> datetime | None:
    """When the next plan-step reminder is due (UTC), or None when no step has a day."""
    if not person.timezone:
        return None
    steps = await current_plan_steps(session, person.id)
    prefs = await preferences(session, person.id)
    day = local_date(after, person.timezone)
    for _ in range(LOOKAHEAD_DAYS):
        found = next_step_day(steps, day)
        if found is None:
            return None
        due = out_of_quiet_hours(on_local_date(STEP_REMINDER_TIME, found, person.timezone), prefs,
                     person.timezone)
        if due > after and not is_paused(prefs, person.timezone, due):
            return due
        day = found + timedelta(days=1)
    return None


async def reconcile_plan_steps(session: AsyncSession, person: Person, now: datetime) -> None:
    """Makes the person's plan-step reminder row match their current plan."""
    due = await next_reminder_at(session, person, now)
    row = (await session.execute(
        select(Nudge).where(Nudge.person_id == person.id, Nudge.kind == PLAN_STEP)
    )).scalar_one_or_none()
    if due is None:
        if row is not None:
            await session.execute(delete(Nudge).where(Nudge.id == row.id))
        return
    schedule_recurring(session, row, person, PLAN_STEP, due, now,
                       local_time=STEP_REMINDER_TIME.strftime("%H:%M"))


async def follow_the_plan(deps: StepContext) -> None:
    """A new plan version: reminders follow its steps."""
    await reconcile_plan_steps(deps.session, deps.person, deps.now)


async def step_to_ask_about(session: AsyncSession, person: Person, now: datetime) -> str | None:
    """The text of a plan step due today (for "how did it go?"), or None."""
    if not person.timezone:
        return None
    today = steps_on(await current_plan_steps(session, person.id),
                     local_date(now, person.timezone))
    return today[0].text if today else None


async def compose_reminder(
    services: Services, due: DueNudge, now: datetime
) -> list[Outbound] | None:
    """Today's planned steps, in the person's own words; nothing when none is left."""
    async with services.db.session() as session:
        person = await session.get(Person, due.person_id)
        if person is None or not person.timezone:
            return None
        prefs = await preferences(session, person.id)
        if is_paused(prefs, person.timezone, now):
            return None
        steps = steps_on(await current_plan_steps(session, person.id),
                         local_date(now, person.timezone))
        if not steps:
            return None
        context = {"person": person_view(person), "steps": [step.text for step in steps]}
        renderer = services.renderer(person.locale)
    text = renderer.render(REMINDER_TEMPLATE, context)
    return [Outbound(text, REMINDER_TEMPLATE)]


async def next_reminder(session: AsyncSession, due: DueNudge, after: datetime) -> datetime | None:
    """After a reminder: the next day with a step."""
    person = await session.get(Person, due.person_id)
    return None if person is None else await next_reminder_at(session, person, after)


PLAN_STEP_NUDGE = NudgeKind(PLAN_STEP, STEP_GRACE, compose_reminder, next_reminder)
