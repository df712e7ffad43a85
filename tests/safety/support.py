"""Helpers for safety tests: safety-event and nudge rows, the follow-up's due time."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import RecoveryBot
from bot.safety.models import SafetyEvent
from bot.storage.models import Person as PersonRow

CRISIS_TEXT = "I don't want to be alive anymore"


async def safety_events(core: RecoveryBot, user_key: str) -> list[SafetyEvent]:
    """The person's safety events, oldest first."""
    async with core.db.session() as session:
        return list((await session.execute(
            select(SafetyEvent).join(PersonRow, PersonRow.id == SafetyEvent.person_id)
            .where(PersonRow.user_key == user_key).order_by(SafetyEvent.id)
        )).scalars())


def crisis_templates(templates: list[str]) -> list[str]:
    """The templates of a reply that belong to the crisis response."""
    return [t for t in templates if t.startswith("safety/crisis")]
