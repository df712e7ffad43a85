"""Seam to the change plan (issue 3): plan steps with a day become reminders.

The plan lives in `bot.coaching.models` (another branch). Until
`current_plan_steps(session, person_id)` exists there, the check-in asks about no step and
no plan-step reminders are scheduled: every function here degrades to "nothing".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Person


def _plan_steps_reader() -> Any | None:
    """`bot.coaching.models.current_plan_steps`, or None while the plan has not landed."""
    try:
        from bot.coaching.models import current_plan_steps  # type: ignore[attr-defined]
    except ImportError:
        return None
    return current_plan_steps


async def step_to_ask_about(session: AsyncSession, person: Person, now: datetime) -> str | None:
    """The text of a plan step due today (for "how did it go?"), or None."""
    reader = _plan_steps_reader()
    if reader is None or not person.timezone:
        return None
    from bot.scheduling.recurrence import local_date

    today = local_date(now, person.timezone)
    for step in await reader(session, person.id):
        if getattr(step, "date", None) == today or getattr(step, "weekday", None) == today.weekday():
            return str(step.text)
    return None
