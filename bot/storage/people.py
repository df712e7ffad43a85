"""Reading and writing people and their conversation rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Conversation, Person


async def find_person(session: AsyncSession, user_key: str, *, lock: bool = False) -> Person | None:
    """The person with `user_key`, locked for update on PostgreSQL when `lock`."""
    query = select(Person).where(Person.user_key == user_key)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_or_create_person(session: AsyncSession, user_key: str, now: datetime) -> Person:
    """The person with `user_key`, created on first contact (locked for this transaction).

    A race with another worker creating the same person raises IntegrityError on flush;
    the caller's retry finds the row on the next attempt.
    """
    person = await find_person(session, user_key, lock=True)
    if person is None:
        person = Person(user_key=user_key, created_at=now, last_seen_at=now, locale="en",
                        active=True)
        session.add(person)
        await session.flush()
    return person


async def load_conversation(
    session: AsyncSession, person: Person, now: datetime
) -> Conversation:
    """The person's conversation row (created empty on first use), locked for update."""
    query = select(Conversation).where(Conversation.person_id == person.id).with_for_update()
    conversation = (await session.execute(query)).scalar_one_or_none()
    if conversation is None:
        conversation = Conversation(person_id=person.id, data={}, updated_at=now)
        session.add(conversation)
        await session.flush()
    return conversation


async def load_person_and_conversation(
    session: AsyncSession, user_key: str, now: datetime
) -> tuple[Person, Conversation]:
    """The person and their conversation in one query, both created on first contact.

    The person's row is locked for update (PostgreSQL), which serialises every step for the
    same person across workers; the conversation's version check backs it up on SQLite.
    """
    query = (
        select(Person, Conversation)
        .outerjoin(Conversation, Conversation.person_id == Person.id)
        .where(Person.user_key == user_key)
        .with_for_update(of=Person)
    )
    found = (await session.execute(query)).first()
    if found is None:
        person = await get_or_create_person(session, user_key, now)
        return person, await load_conversation(session, person, now)
    person, conversation = found
    if conversation is None:
        conversation = await load_conversation(session, person, now)
    return person, conversation


def store_conversation(conversation: Conversation, data: dict[str, Any], now: datetime) -> None:
    """Replace the conversation's state; the version check happens at flush."""
    conversation.data = data
    conversation.updated_at = now


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
