"""Telling a person their coach was removed mid-chat: the `coach_left` nudge kind.

`recovery-bot coach remove` runs in its own process, which can't reach Telegram. It puts the
chat back in the queue and writes a one-off nudge due at once; the running bot's dispatcher
sends it within a tick, once, like any nudge. If another coach has picked the chat up by
then, that coach's own hello says enough and the notice is dropped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.messages import Outbound
from bot.engine.render import code_template
from bot.handoff.models import WAITING, Handoff
from bot.handoff.views import handoff_context, render_outbound
from bot.ports import Services
from bot.referrals import notice_lines
from bot.scheduling.kinds import DueNudge, NudgeKind, one_off
from bot.scheduling.store import schedule_once
from bot.storage.models import Person

COACH_LEFT = "coach_left"
COACH_LEFT_TEMPLATE = code_template("handoff/coach_left")
# After downtime the notice still helps for a while; the person stays in the queue anyway.
COACH_LEFT_GRACE = timedelta(hours=12)


async def schedule_coach_left(session: AsyncSession, handoff: Handoff, now: datetime) -> None:
    """The person in `handoff` is told, at once, that their coach had to leave."""
    await schedule_once(session, handoff.person_id, COACH_LEFT, now, now, ref=str(handoff.id))


async def compose_coach_left(app: Services, due: DueNudge, now: datetime
                             ) -> list[Outbound] | None:
    """The notice, with the person's crisis lines; nothing once another coach has the chat."""
    async with app.db.session() as session:
        handoff = await session.get(Handoff, int(due.ref))
        person = await session.get(Person, due.person_id)
        if handoff is None or person is None or handoff.status != WAITING:
            return None
        settings = app.settings
        context = handoff_context(handoff, now)
        context.update(notice_lines(person.country, settings.default_country))
        renderer = app.renderer(person.locale)
    return [render_outbound(renderer, COACH_LEFT_TEMPLATE, context)]


COACH_LEFT_NUDGE = NudgeKind(COACH_LEFT, COACH_LEFT_GRACE, compose_coach_left, one_off)
