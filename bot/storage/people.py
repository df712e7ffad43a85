"""Reading and writing people and their conversation rows."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot.storage.models import Conversation, Person


async def find_person(session: AsyncSession, user_key: str, *, lock: bool = False) -> Person | None:
    """The person with `user_key`, locked for update on PostgreSQL when `lock`."""
    query = select(Person).where(Person.user_key == user_key)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_or_create_person(
    session: AsyncSession, user_key: str, now: datetime, locale: str = "en"
) -> Person:
    """The person with `user_key`, created on first contact (locked for this transaction).

    A race with another worker creating the same person raises IntegrityError on flush;
    the caller's retry finds the row on the next attempt.
    """
    person = await find_person(session, user_key, lock=True)
    if person is None:
        person = Person(user_key=user_key, created_at=now, last_seen_at=now, locale=locale,
                        active=True)
        session.add(person)
        await session.flush()
    return person


@dataclass
class StoredConversation:
    """A person's conversation as read at the start of a step.

    `version` is None when the person has no conversation row yet (`store_conversation`
    inserts it); otherwise the write succeeds only if nobody wrote the row since.
    """

    person_id: int
    data: dict[str, Any]
    version: int | None


_CONVERSATIONS = cast(Table, Conversation.__table__)
_INSERT_CONVERSATION = insert(_CONVERSATIONS)
_UPDATE_CONVERSATION = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.person_id == bindparam("pid"))
    .where(_CONVERSATIONS.c.version == bindparam("seen_version"))
)
FactFn = Callable[[Any], Any]  # the person's id column -> an SQL boolean


@functools.lru_cache(maxsize=8)
def _load_query(facts: tuple[tuple[str, FactFn], ...]) -> Select[Any]:
    # Built once per set of facts: building a statement costs more than running it.
    return (
        select(Person, Conversation.data, Conversation.version,
               *(fact(Person.id).label(name) for name, fact in facts))
        .outerjoin(Conversation, Conversation.person_id == Person.id)
        .where(Person.user_key == bindparam("user_key"))
        .with_for_update(of=Person)
    )


async def load_person_and_conversation(
    session: AsyncSession, user_key: str, now: datetime,
    facts: Mapping[str, FactFn] | None = None, locale: str = "en",
) -> tuple[Person, StoredConversation, dict[str, bool]]:
    """The person (created on first contact), their conversation and `facts` about them,
    in one query.

    The person's row is locked for update (PostgreSQL), which serialises every step for the
    same person across workers; the conversation's version check backs it up on SQLite.
    Someone new is created speaking `locale`.
    """
    query = _load_query(tuple((facts or {}).items()))
    found = (await session.execute(query, {"user_key": user_key})).first()
    if found is None:
        await get_or_create_person(session, user_key, now, locale)
        found = (await session.execute(query, {"user_key": user_key})).one()
    person, data, version, *answers = found
    stored = StoredConversation(person.id, data or {}, version)
    return person, stored, {name: bool(answer) for name, answer in zip(facts or {}, answers)}


async def store_conversation(
    session: AsyncSession, stored: StoredConversation, data: dict[str, Any], now: datetime
) -> None:
    """Write the conversation's new state, as one statement without the ORM's unit of work.

    Raises StaleDataError when another worker wrote it since it was read (IntegrityError
    when another worker created it first): the caller runs the step again on fresh data.
    """
    connection = await session.connection()
    if stored.version is None:
        await connection.execute(_INSERT_CONVERSATION, {
            "person_id": stored.person_id, "data": data, "version": 1, "updated_at": now})
        return
    result = await connection.execute(_UPDATE_CONVERSATION, {
        "pid": stored.person_id, "seen_version": stored.version,
        "data": data, "version": stored.version + 1, "updated_at": now})
    if result.rowcount != 1:
        raise StaleDataError("the conversation was written by another worker meanwhile")


async def read_conversation(
    session: AsyncSession, person_id: int
) -> tuple[dict[str, Any], datetime] | None:
    """The person's stored conversation and when it was last written, or None."""
    row = (await session.execute(
        select(Conversation.data, Conversation.updated_at)
        .where(Conversation.person_id == person_id)
    )).first()
    return None if row is None else (row.data or {}, row.updated_at)


async def edit_conversation(
    session: AsyncSession, person_id: int,
    change: Callable[[dict[str, Any]], dict[str, Any] | None],
) -> bool:
    """Change the person's stored conversation outside their step (a nudge tidying up).

    The row is locked; `change` gets its data and returns the new data, or None to leave it
    as it is. The version moves on, so a step that read the old data runs again.
    Returns whether anything was written.
    """
    conversation = (await session.execute(
        select(Conversation).where(Conversation.person_id == person_id).with_for_update()
    )).scalar_one_or_none()
    if conversation is None:
        return False
    changed = change(dict(conversation.data or {}))
    if changed is None:
        return False
    conversation.data = changed
    return True


def person_view(person: Person) -> dict[str, Any]:
    """The person's profile as template context (no identifiers)."""
    return {
        "name": person.preferred_name,
        "reason": person.reason,
        "pathway": person.pathway,
        "country": person.country,
        "timezone": person.timezone,
        "checkin_time": person.checkin_time,
        "onboarded": person.onboarded_at is not None,
        "consented": person.consented_at is not None,
        "locale": person.locale,
    }
