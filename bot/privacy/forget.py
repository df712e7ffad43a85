"""Deleting a person: every row about them, a word to a coach mid-chat, one untraceable audit line.

Used by /delete and by retention. The audit line's subject is random (`secrets`), not a hash
of anything: nobody holding a Telegram id can find out whether it was deleted here.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.actions import Say
from bot.engine.render import code_template
from bot.handoff import coaches as coach_store
from bot.handoff import queue as q
from bot.handoff.models import CLOSED
from bot.handoff.views import user_key_of
from bot.privacy.models import DELETED_BY_REQUEST, PrivacyEvent
from bot.privacy.records import delete_rows_about
from bot.storage.db import forgotten
from bot.storage.models import Person

COACH_PERSON_LEFT = code_template("privacy/coach_person_left")
COACH_LEFT = code_template("privacy/coach_left")


def _day_of(now: datetime) -> datetime:
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


async def _goodbyes(session: AsyncSession, person: Person, now: datetime) -> list[Say]:
    """Tell whoever is in a live chat with the person that it has ended."""
    says: list[Say] = []
    relay = await q.active_relay(session, person.id)
    if relay is not None and relay.coach_id is not None:
        coach_key = await coach_store.coach_key(session, relay.coach_id)
        if coach_key is not None:
            says.append(Say(COACH_PERSON_LEFT, {"number": relay.number}, to=coach_key))
    coach = await coach_store.coach_for(session, person.id)
    if coach is not None:
        held = await q.held_by(session, coach.id)
        if held is not None:
            # The other person's handoff stays theirs; it just ends, with no note to wait for.
            held.status, held.closed_at, held.closed_by = CLOSED, now, "coach"
            says.append(Say(COACH_LEFT, {}, to=await user_key_of(session, held.person_id)))
    return says


async def forget_person(
    session: AsyncSession, person: Person, now: datetime, event: str = DELETED_BY_REQUEST
) -> list[Say]:
    """Delete every row about `person` in this transaction; returns notes for others.

    Afterwards the session holds no objects (they were detached), so the caller must not
    write the person's conversation back.
    """
    says = await _goodbyes(session, person, now)
    await delete_rows_about(session, person.id)
    forgotten(session)  # SQLite: the log is checkpointed once this commits
    session.add(PrivacyEvent(subject=secrets.token_hex(16), event=event, on_day=_day_of(now)))
    return says
