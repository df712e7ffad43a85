"""The follow-up an hour after a crisis: the `safety_followup` nudge kind.

`crisis.schedule_followup` writes (or moves) one row per person; the dispatcher sends it
like any nudge. Composing it starts `flows/crisis_followup.yaml` for the person, on top of
whatever they are doing (that flow resumes after). It is not sent while a coach is talking
with them in a live relay: a person is already there. A crisis flow the person never
answered is taken off first, so they are not brought back to it afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.messages import Outbound
from bot.engine.state import ConversationState
from bot.handoff import active_relay
from bot.safety.crisis import CRISIS_FLOW, FOLLOWUP_KIND
from bot.scheduling.kinds import DueNudge, NudgeKind, nudge_kinds, one_off
from bot.storage.models import Conversation, Person

if TYPE_CHECKING:
    from bot.app import RecoveryBot

FOLLOWUP_FLOW = "crisis_followup"
# After downtime, a follow-up this late still goes out; a later one would arrive out of the
# blue (the person can always write, and the crisis lines were given at the time).
FOLLOWUP_GRACE = timedelta(hours=6)


async def _drop_crisis_frames(session: AsyncSession, person_id: int) -> None:
    """Takes crisis flows off the top of the person's conversation."""
    conversation = (await session.execute(
        select(Conversation).where(Conversation.person_id == person_id).with_for_update()
    )).scalar_one_or_none()
    if conversation is None:
        return
    state = ConversationState.from_dict(conversation.data)
    changed = False
    while state.current is not None and state.current.flow in (CRISIS_FLOW, FOLLOWUP_FLOW):
        state.frames.pop()
        changed = True
    if changed:
        conversation.data = state.to_dict()


async def compose_followup(app: RecoveryBot, due: DueNudge, now: datetime) -> list[Outbound] | None:
    """Starts the follow-up flow, unless a coach is with the person right now."""
    async with app.db.session() as session:
        person = await session.get(Person, due.person_id)
        if person is None or await active_relay(session, person.id) is not None:
            return None
        await _drop_crisis_frames(session, person.id)
    return await app.start_flow_for(due.user_key, FOLLOWUP_FLOW, {"scheduled": True})


nudge_kinds.register(NudgeKind(FOLLOWUP_KIND, FOLLOWUP_GRACE, compose_followup, one_off))
