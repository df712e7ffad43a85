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


async def plan_summary(session: AsyncSession, person_id: int) -> str | None:
    """A short summary of the person's change plan, or None (no plan, or no plans yet)."""
    module = _optional_module("bot.coaching.plan_summary")
    reader = getattr(module, "plan_summary_text", None) if module else None
    if reader is None:
        return None
    summary: str | None = await reader(session, person_id)
    return summary or None


async def recent_checkins(session: AsyncSession, person_id: int) -> list[dict[str, Any]] | None:
    """The person's latest check-ins (newest first) as template-ready dicts, or None."""
    module = _optional_module("bot.checkins.recent")
    reader = getattr(module, "recent_checkins", None) if module else None
    if reader is None:
        return None
    items: list[dict[str, Any]] = await reader(session, person_id, RECENT_CHECKINS)
    return items or None


@dataclass(frozen=True)
class Shareable:
    """What exists to be shared (None/False: nothing to ask about)."""

    name: str | None
    plan: str | None
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
