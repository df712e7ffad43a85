"""What other packages call: open a handoff, ask whether a relay is live, alert a coach.

    from bot.handoff import open_handoff, alert_coach_of_crisis, offer_after_hard_checkins

    # the crisis response (in an action, inside the person's step):
    handoff = await open_handoff(deps, reason="crisis", urgent=True)   # queued at once
    await alert_coach_of_crisis(deps, "self_harm", message=inbound.text)  # if in a relay
    # ...then `goto: flow:handoff` lets the person choose what the coach may see.

    # the check-ins, after a run of hard days (returns a goto target, or None):
    target = await offer_after_hard_checkins(deps)   # "flow:handoff_offer"
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.render import code_template
from bot.handoff import coaches as coach_store
from bot.handoff import queue as q
from bot.handoff.models import Handoff, HandoffOffer
from bot.handoff.views import render_outbound

if TYPE_CHECKING:
    from bot.app import Deps

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


async def active_relay(session: AsyncSession, person_id: int) -> Handoff | None:
    """The handoff in which a coach is talking with this person now, or None."""
    return await q.active_relay(session, person_id)


async def speaks_as_coach(session: AsyncSession, person_id: int) -> bool:
    """Whether this person's next plain message is a coach's words to someone else: they
    hold a claimed handoff (coach mode) or owe a closing note. The safety screens leave
    such messages alone (they are not about the coach's own safety)."""
    coach = await coach_store.coach_for(session, person_id)
    if coach is None:
        return False
    if await q.held_by(session, coach.id) is not None:
        return True
    return await q.pending_note(session, coach.id) is not None


async def alert_coach_of_crisis(
    deps: Deps, category: str, *, message: str | None = None
) -> bool:
    """Tell the coach in a live relay with this person that the safety screen fired.

    The crisis message itself never reached the relay (the screen runs first), so it is
    passed on here, and kept with the relayed messages. Returns True when a coach was told.
    """
    handoff = await q.active_relay(deps.session, deps.person.id)
    if handoff is None or handoff.coach_id is None:
        return False
    if message:
        q.record_message(deps.session, handoff, "person", message, deps.now)
    coach_key = await coach_store.coach_key(deps.session, handoff.coach_id)
    transport = deps.app.transport
    if coach_key is None or transport is None:
        log.warning("a crisis during a relay could not be passed to the coach (no channel)")
        return False
    reply = render_outbound(deps.app, CRISIS_ALERT, {
        "number": handoff.number, "category": category, "message": message,
    })
    return await transport.send_to(coach_key, reply)


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
