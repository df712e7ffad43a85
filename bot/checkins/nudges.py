"""The check-in and weekly-summary nudges: what they send and when they come next.

Sending a check-in starts the `checkin` flow for the person through
`services.start_flow_for`. If they are in the middle of another flow, the engine stacks the
check-in on top; when it ends, the flow they were in resumes with its question asked again
(their answers so far are kept). A check-in is not sent when there is nothing to ask: they
already checked in today, are in a check-in right now, or asked for a pause.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.progress_view import progress_snapshot
from bot.checkins.records import checked_in_on
from bot.checkins.schedule import CHECKIN, WEEKLY, is_paused, next_due_for, preferences
from bot.engine.messages import Outbound
from bot.engine.render import code_template
from bot.engine.state import ConversationState
from bot.ports import Services
from bot.scheduling.kinds import DueNudge, NextDueFn, NudgeKind
from bot.scheduling.recurrence import local_date
from bot.storage.models import Person
from bot.storage.people import edit_conversation, person_view, read_conversation

CHECKIN_FLOW = "checkin"
# After downtime a check-in less than this late still goes out; a later one waits for the
# next day (an evening check-in at 2 a.m. would not help anyone).
CHECKIN_GRACE = timedelta(hours=3)
WEEKLY_GRACE = timedelta(hours=12)
# Someone who answered part of a check-in this recently is still doing it: leave it be.
# An older or untouched check-in is replaced by the new one.
ACTIVE_CHECKIN = timedelta(hours=1)
WEEKLY_TEMPLATE = code_template("nudges/weekly")


async def _answering_checkin(session: AsyncSession, person_id: int, now: datetime) -> bool:
    """Whether the person is part-way through a check-in right now (don't restart it)."""
    stored = await read_conversation(session, person_id)
    if stored is None:
        return False
    data, updated_at = stored
    current = ConversationState.from_dict(data).current
    return (
        current is not None and current.flow == CHECKIN_FLOW and bool(current.history)
        and now - updated_at < ACTIVE_CHECKIN
    )


async def compose_checkin(
    services: Services, due: DueNudge, now: datetime
) -> list[Outbound] | None:
    """Starts today's check-in for the person, unless there is nothing to ask."""
    async with services.db.session() as session:
        person = await session.get(Person, due.person_id)
        if person is None or not person.timezone or not person.checkin_time:
            return None
        prefs = await preferences(session, person.id)
        if is_paused(prefs, person.timezone, now):
            return None
        if await checked_in_on(session, person.id, local_date(now, person.timezone)):
            return None
        if await _answering_checkin(session, person.id, now):
            return None
    return await services.start_flow_for(due.user_key, CHECKIN_FLOW, {"scheduled": True})


async def compose_weekly(
    services: Services, due: DueNudge, now: datetime
) -> list[Outbound] | None:
    """The weekly summary with the chart, if the person still wants it and has check-ins."""
    async with services.db.session() as session:
        person = await session.get(Person, due.person_id)
        if person is None or not person.timezone:
            return None
        prefs = await preferences(session, person.id)
        if prefs is None or not prefs.weekly_summary or is_paused(prefs, person.timezone, now):
            return None
        renderer = services.renderer(person.locale)
        context, chart = await progress_snapshot(
            session, renderer, person.id, local_date(now, person.timezone), person.country
        )
        if chart is None:
            return None
        context["person"] = person_view(person)
    return [Outbound(renderer.render(WEEKLY_TEMPLATE, context), WEEKLY_TEMPLATE, attachment=chart)]


def _without_unseen_checkin(data: dict[str, Any]) -> dict[str, Any] | None:
    state = ConversationState.from_dict(data)
    return state.to_dict() if state.drop_unanswered(CHECKIN_FLOW) else None


async def abandon_checkin(services: Services, due: DueNudge) -> None:
    """Takes an unseen check-in off the person's conversation, so their next message is
    not read as an answer to a question they never got."""
    async with services.db.session() as session:
        await edit_conversation(session, due.person_id, _without_unseen_checkin)


def _next(kind: str) -> NextDueFn:
    async def next_due(session: AsyncSession, due: DueNudge, after: datetime) -> datetime | None:
        person = await session.get(Person, due.person_id)
        if person is None:
            return None
        return next_due_for(kind, person, await preferences(session, person.id), after)

    return next_due


CHECKIN_NUDGE = NudgeKind(CHECKIN, CHECKIN_GRACE, compose_checkin, _next(CHECKIN), abandon_checkin)
WEEKLY_NUDGE = NudgeKind(WEEKLY, WEEKLY_GRACE, compose_weekly, _next(WEEKLY))
