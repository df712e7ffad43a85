"""What a person may choose to share with a coach, and how a coach is shown it.

The name is the one the person gave the bot. The plan summary and recent check-ins come
from other packages (the change plan, the daily check-ins); until their tables exist these
readers return None and the person is simply not asked about them.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handoff.models import Handoff
from bot.storage.models import Person

log = logging.getLogger(__name__)

RECENT_CHECKINS = 5


def _optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


async def plan_summary(session: AsyncSession, person_id: int) -> dict[str, Any] | None:
    """The heart of the person's change plan (what they want to change, their steps), or
    None when they have none, or the change plan (`bot.coaching.plans`) isn't installed."""
    plans = _optional_module("bot.coaching.plans")
    current_version = getattr(plans, "current_version", None) if plans else None
    if current_version is None:
        return None
    version = await current_version(session, person_id)
    content: dict[str, Any] = dict(getattr(version, "content", None) or {})
    changes = content.get("changes") or None
    steps = [str(step.get("text") if isinstance(step, dict) else step)
             for step in content.get("steps") or []]
    reasons = content.get("reasons") or None
    if not (changes or steps or reasons):
        return None
    return {"changes": changes, "reasons": reasons, "steps": [s for s in steps if s]}


async def recent_checkins(session: AsyncSession, person_id: int) -> list[dict[str, Any]] | None:
    """The person's latest check-ins, newest first: day, mood (1-5), craving (0-10), whether
    they went to plan. Their check-in notes are not included. None when there are none, or
    the check-ins (`bot.checkins.models`) aren't installed."""
    models = _optional_module("bot.checkins.models")
    checkin = getattr(models, "Checkin", None) if models else None
    if checkin is None:
        return None
    rows = (await session.execute(
        select(checkin).where(checkin.person_id == person_id)
        .order_by(checkin.local_date.desc()).limit(RECENT_CHECKINS)
    )).scalars().all()
    items = [{"day": row.local_date.strftime("%a %d %b"), "mood": row.mood,
              "craving": row.craving, "went_to_plan": row.went_to_plan} for row in rows]
    return items or None


@dataclass(frozen=True)
class Shareable:
    """What exists to be shared (None/False: nothing to ask about)."""

    name: str | None
    plan: dict[str, Any] | None
    checkins: list[dict[str, Any]] | None

    def facts(self) -> dict[str, Any]:
        """For the consent questions' templates (the person sees their own data)."""
        return {"has_name": bool(self.name), "plan_summary": self.plan,
                "recent_checkins": self.checkins}


async def shareable(session: AsyncSession, person: Person) -> Shareable:
    """Everything the person could choose to let a coach see."""
    return Shareable(
        name=person.preferred_name or None,
        plan=await plan_summary(session, person.id),
        checkins=await recent_checkins(session, person.id),
    )


async def coach_view(session: AsyncSession, handoff: Handoff) -> dict[str, Any]:
    """What the claiming coach is shown: only what the person agreed to, never identifiers."""
    person = await session.get(Person, handoff.person_id)
    assert person is not None
    data = await shareable(session, person)
    return {
        "name": data.name if handoff.share_name else None,
        "plan": data.plan if handoff.share_plan else None,
        "checkins": data.checkins if handoff.share_checkins else None,
    }
