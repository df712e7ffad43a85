"""The follow-up an hour after a crisis: the `safety_followup` nudge kind.

`crisis.schedule_followup` writes (or moves) one row per person; the dispatcher sends it
like any nudge. Composing it starts `flows/crisis_followup.yaml` for the person, on top of
whatever they are doing (that flow resumes after). It is not sent while a coach is talking
with them in a live relay: a person is already there. A crisis flow the person never
answered is taken off first, so they are not brought back to it afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.engine.messages import Outbound
from bot.engine.state import ConversationState
from bot.handoff import active_relay
from bot.ports import Services
from bot.safety.crisis import CRISIS_FLOW, FOLLOWUP_KIND
from bot.scheduling.kinds import DueNudge, NudgeKind, one_off
from bot.storage.models import Person
from bot.storage.people import edit_conversation

FOLLOWUP_FLOW = "crisis_followup"
# After downtime, a follow-up this late still goes out; a later one would arrive out of the
# blue (the person can always write, and the crisis lines were given at the time).
FOLLOWUP_GRACE = timedelta(hours=6)


def _without_crisis_frames(data: dict[str, Any]) -> dict[str, Any] | None:
    """The conversation without crisis flows on top (None when there were none)."""
    state = ConversationState.from_dict(data)
    return state.to_dict() if state.drop_top({CRISIS_FLOW, FOLLOWUP_FLOW}) else None


async def compose_followup(app: Services, due: DueNudge, now: datetime) -> list[Outbound] | None:
    """Starts the follow-up flow, unless a coach is with the person right now."""
    async with app.db.session() as session:
        person = await session.get(Person, due.person_id)
        if person is None or await active_relay(session, person.id) is not None:
            return None
        await edit_conversation(session, person.id, _without_crisis_frames)
    return await app.start_flow_for(due.user_key, FOLLOWUP_FLOW, {"scheduled": True})


FOLLOWUP_NUDGE = NudgeKind(FOLLOWUP_KIND, FOLLOWUP_GRACE, compose_followup, one_off)
