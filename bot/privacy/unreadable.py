"""A person whose stored data the configured keys can't read (a key dropped too early, a
worker started with other keys): they still get the crisis screen, the crisis lines and
/delete, and nothing of theirs is changed meanwhile.

The start-up key check (storage.keycheck) refuses to start when the keys can't read what is
stored at all; this is the narrower case of some rows written under a key this process lacks.
Only plain columns are read here (times, country, locale), never an encrypted one.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.commands import parse_command
from bot.engine.messages import Inbound, InboundKind
from bot.engine.render import code_template
from bot.privacy.forget import _day_of
from bot.privacy.models import DELETED_BY_REQUEST, PrivacyEvent
from bot.privacy.records import delete_rows_about
from bot.storage.db import forgotten
from bot.storage.models import Person

UNREADABLE = code_template("system/unreadable")
DELETE_ASK = code_template("privacy/delete_unreadable")
DELETE_BUTTON = code_template("privacy/btn_delete_now")
DELETED = code_template("privacy/deleted")

#: The button under the delete question asked when nothing can be read (no state is kept
#: between the question and the press: the press itself is the confirmation).
DELETE_UNREADABLE = "privacy:delete-unreadable"

PLAIN = (Person.id, Person.created_at, Person.last_seen_at, Person.consented_at,
         Person.onboarded_at, Person.country, Person.timezone, Person.checkin_time,
         Person.locale, Person.active)


async def plain_person(session: AsyncSession, user_key: str) -> Person | None:
    """The person's plain columns only, as a transient Person that is never written."""
    row = (await session.execute(select(*PLAIN).where(Person.user_key == user_key))).first()
    if row is None:
        return None
    return Person(user_key=user_key, **row._asdict())


def asks_to_delete(inbound: Inbound) -> bool:
    """/delete typed."""
    if inbound.kind is not InboundKind.TEXT or not inbound.text:
        return False
    command = parse_command(inbound.text.strip())
    return command is not None and command.name == "delete"


def confirms_delete(inbound: Inbound) -> bool:
    """The press on the delete question's button."""
    return inbound.kind is InboundKind.BUTTON and inbound.button == DELETE_UNREADABLE


async def delete_unreadable(session: AsyncSession, person_id: int, now: datetime) -> None:
    """Every row about the person, deleted without reading any of it."""
    await delete_rows_about(session, person_id)
    forgotten(session)
    session.add(PrivacyEvent(subject=secrets.token_hex(16), event=DELETED_BY_REQUEST,
                             on_day=_day_of(now)))
