"""What other packages call: open a handoff, ask whether a relay is live, alert a coach.

    from bot.handoff import open_handoff, alert_coach_of_crisis, offer_after_hard_checkins

    # the crisis response (in an action, inside the person's step):
    handoff = await open_handoff(deps, reason="crisis", urgent=True)   # queued at once
    await alert_coach_of_crisis(deps, "self_harm", message=inbound.text)  # if in a coach chat
    # ...then `goto: flow:handoff` lets the person choose what the coach may see.

    # the check-ins, after a run of hard days (returns a goto target, or None):
    target = await offer_after_hard_checkins(deps)   # "flow:handoff_offer"
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.actions import Say
from bot.engine.render import code_template
from bot.handoff import coaches as coach_store
from bot.handoff import queue as q
from bot.handoff.models import Handoff, HandoffOffer
from bot.handoff.roles import in_coach_chat
from bot.handoff.views import hours_context
from bot.ports import StepContext as Deps

log = logging.getLogger(__name__)

CRISIS_ALERT = code_template("coach/crisis_alert")
OFFER_FLOW = "handoff_offer"
OFFER_AGAIN_AFTER = timedelta(days=7)


async def open_handoff(deps: Deps, *, reason: str, urgent: bool) -> Handoff:
    """Open (or find) the person's handoff. Urgent ones are queued at once, sharing nothing.

    Coaches are alerted by the handoff tick within SCHEDULER_TICK_SECONDS, after this step
    commits. Calling it again is safe: the open handoff is returned, made urgent if asked.

    Args:
        deps: the person's step.
        reason: "asked", "checkins" or "crisis".
        urgent: a crisis: first in the queue, and coaches are re-alerted while it waits.
    """
    return await q.start_handoff(deps.session, deps.person.id, deps.now, reason=reason,
                                 urgent=urgent)


def wait_facts(deps: Deps, handoff: Handoff) -> dict[str, Any]:
    """What a person waiting for a coach is told: their number, whether a coach is on duty
    and when the next one is, how long before they hear back either way."""
    facts: dict[str, Any] = {"coach_status": handoff.status, "number": handoff.number,
                             "timeout_minutes": deps.settings.handoff_claim_timeout_minutes}
    facts.update(hours_context(deps.settings, deps.now, deps.person.timezone))
    return facts


async def active_relay(session: AsyncSession, person_id: int) -> Handoff | None:
    """The handoff in which a coach is talking with this person now, or None."""
    return await q.active_relay(session, person_id)


async def alert_coach_of_crisis(
    deps: Deps, category: str, *, message: str | None = None
) -> bool:
    """Tell the coach in a live chat with this person that the safety screen fired.

    The crisis message itself never reached the relay (the screen runs first), so it is
    passed on here, and kept with the relayed messages. The alert goes out after the step
    commits, once (a step run again after a write conflict starts from an empty outbox).
    Returns True when a coach will be told.
    """
    if not in_coach_chat(deps.facts):
        return False
    handoff = await q.active_relay(deps.session, deps.person.id)
    if handoff is None or handoff.coach_id is None:
        return False
    if message:
        q.record_message(deps.session, handoff, "person", message, deps.now)
    coach_key = await coach_store.coach_key(deps.session, handoff.coach_id)
    if coach_key is None:
        return False
    deps.send_after_commit(Say(CRISIS_ALERT, {
        "number": handoff.number, "category": category, "message": message,
    }, to=coach_key))
    return True


async def offer_after_hard_checkins(deps: Deps) -> str | None:
    """Whether to offer a coach now: the goto target `flow:handoff_offer`, or None.

    None when the person already has an open handoff or was offered one in the last week
    (an offer is a kindness, not a nag). Calling it records the offer.
    """
    if await q.active_handoff(deps.session, deps.person.id) is not None:
        return None
    last = (await deps.session.execute(
        select(HandoffOffer.offered_at).where(HandoffOffer.person_id == deps.person.id)
        .order_by(HandoffOffer.offered_at.desc()).limit(1)
    )).scalar_one_or_none()
    if last is not None and deps.now - last < OFFER_AGAIN_AFTER:
        return None
    deps.session.add(HandoffOffer(person_id=deps.person.id, offered_at=deps.now))
    return f"flow:{OFFER_FLOW}"
