"""The person's profile: what onboarding and /settings collect, and the actions they call."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.engine.actions import ActionResult
from bot.engine.inputs import single_timezone
from bot.ports import Call
from bot.registry import Registry
from bot.storage.models import Person

PROFILE_FIELDS = ("preferred_name", "reason", "pathway", "country", "timezone", "checkin_time")
PATHWAYS = ("stopping", "cutting_down", "safer_use", "not_sure")


def save_profile_field(person: Person, field: str, value: Any) -> None:
    """Store one answer on the person; a country with one time zone sets the zone too."""
    if field not in PROFILE_FIELDS:
        raise ValueError(f"'{field}' is not a profile field ({', '.join(PROFILE_FIELDS)})")
    if isinstance(value, time):
        value = value.strftime("%H:%M")
    if field == "pathway" and value is not None and value not in PATHWAYS:
        raise ValueError(f"unknown pathway {value!r}")
    if field == "country":
        # A new country means the old zone may be wrong: derive it, or ask again.
        person.timezone = single_timezone(value) if value else None
    setattr(person, field, value)


async def record_consent(call: Call) -> ActionResult:
    """Records when the person agreed to the bot storing what they tell it."""
    call.deps.person.consented_at = call.deps.now
    return ActionResult()


async def finish_onboarding(call: Call) -> ActionResult:
    """Marks onboarding done."""
    call.deps.person.onboarded_at = call.deps.now
    return ActionResult()


def register(registry: Registry) -> None:
    """Onboarding's and /settings' actions."""
    registry.action("profile.consent", record_consent)
    registry.action("profile.finish_onboarding", finish_onboarding)
