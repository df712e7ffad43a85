"""Helpers for handoff tests: invite codes, coaches who joined, the tick's messages."""

from __future__ import annotations

from bot.app import RecoveryBot
from bot.engine.messages import Outbound
from bot.handoff import coaches as coach_store
from bot.handoff.ticks import due_messages
from tests.helpers import Person


async def invite(core: RecoveryBot, name: str | None = None, hours: int = 48) -> str:
    """A fresh one-time invite code, as `recovery-bot coach invite` makes."""
    async with core.db.session() as session:
        return await coach_store.create_invite(session, core.clock.now(), hours, name)


async def join_as_coach(core: RecoveryBot, who: str, name: str, *, on_duty: bool = True
                        ) -> Person:
    """A person who joined as a coach with an invite (and went on duty)."""
    coach = Person(core, who)
    code = await invite(core)
    await coach.say(f"/coach_join {code}")
    assert coach.templates == ["coach/ask_name"], coach.templates
    await coach.say(name)
    assert coach.templates == ["coach/joined"], coach.templates
    if on_duty:
        await coach.say("/duty on")
    return coach


async def tick_messages(core: RecoveryBot) -> list[tuple[str, Outbound]]:
    """What the handoff tick would send now: (user_key, message)."""
    deliveries, _ = await due_messages(core, core.clock.now())
    return [(d.user_key, d.outbound) for d in deliveries]


def sent_to(replies: list[Outbound], key: str) -> list[Outbound]:
    """Replies addressed to someone else's user_key."""
    return [reply for reply in replies if reply.to == key]
