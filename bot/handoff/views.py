"""Template context for handoff messages, and rendering for messages sent outside a step."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.engine.messages import Button, Outbound
from bot.engine.render import Renderer, code_template
from bot.engine.state import ConversationState
from bot.handoff.hours import next_opening
from bot.handoff.models import REASONS, Handoff
from bot.handoff.queue import SHARE_ITEMS, shared_items
from bot.handoff.signing import sign
from bot.storage.models import Person
from bot.storage.people import read_conversation

RATINGS = ("helped", "okay", "not_really")
RATING_LABELS = tuple(code_template(f"handoff/btn_rate_{value}") for value in RATINGS)
CLAIM_LABEL = code_template("coach/btn_claim")
# Included by other templates by name ({% include "coach/reason_" ~ reason %}).
INCLUDED = (
    *(code_template(f"coach/reason_{reason}") for reason in REASONS),
    *(code_template(f"coach/item_{item}") for item in SHARE_ITEMS),
    *(code_template(f"handoff/item_{item}") for item in SHARE_ITEMS),
    code_template("handoff/checkin_line"),
    code_template("handoff/lines_while_waiting"),  # the timeout and coach-left notices
)


def handoff_context(handoff: Handoff, now: datetime) -> dict[str, Any]:
    """What any coach may know about a handoff: number, priority, reason, what is shared."""
    since = handoff.queued_at or handoff.created_at
    return {
        "number": handoff.number,
        "urgent": handoff.urgent,
        "reason": handoff.reason,
        "shared": shared_items(handoff),
        "waiting_minutes": max(0, int((now - since).total_seconds() // 60)),
    }


def claim_buttons(settings: Settings, handoff: Handoff) -> tuple[tuple[str, str], ...]:
    """The signed Claim button of an alert or queue entry."""
    return ((CLAIM_LABEL, sign(settings, "claim", handoff.id)),)


def rating_buttons(settings: Settings, handoff: Handoff) -> tuple[tuple[str, str], ...]:
    """The person's one-time "how did it go?" buttons, signed."""
    return tuple(
        (label, sign(settings, "rate", handoff.id, value))
        for label, value in zip(RATING_LABELS, RATINGS, strict=True)
    )


def hours_context(settings: Settings, now: datetime, person_zone: str | None) -> dict[str, Any]:
    """Whether coaches are around, and if not when they next are (in the person's zone)."""
    opens = next_opening(now, settings.coaching_hours, settings.coaching_timezone)
    context: dict[str, Any] = {
        "outside_hours": opens is not None,
        "coaching_hours": settings.coaching_hours,
        "coaching_timezone": settings.coaching_timezone,
        "opens_at": None,
        "opens_zone": None,
    }
    if opens is not None:
        zone = person_zone or settings.coaching_timezone
        local = opens.astimezone(ZoneInfo(zone))
        same_day = local.date() == now.astimezone(ZoneInfo(zone)).date()
        context["opens_at"] = local.strftime("%H:%M") if same_day else local.strftime(
            "%A %H:%M")
        context["opens_zone"] = None if person_zone else settings.coaching_timezone
    return context


async def user_key_of(session: AsyncSession, person_id: int) -> str:
    """Where to send a message for a person (never shown to anyone)."""
    key = (await session.execute(
        select(Person.user_key).where(Person.id == person_id)
    )).scalar_one()
    return str(key)


async def has_flow_in_progress(session: AsyncSession, person_id: int) -> bool:
    """Whether the person was in the middle of something with the bot (for /continue)."""
    stored = await read_conversation(session, person_id)
    if stored is None:
        return False
    state = ConversationState.from_dict(stored[0])
    return state.current is not None or bool(state.paused)


def render_outbound(
    renderer: Renderer, template: str, context: dict[str, Any],
    buttons: tuple[tuple[str, str], ...] = (),
) -> Outbound:
    """A message rendered outside a person's step (alerts, timeout notices)."""
    return Outbound(
        text=renderer.render(template, context),
        template=template,
        buttons=tuple(Button(renderer.render(label, {}), data) for label, data in buttons),
    )
