"""A person with something of everything stored: profile, plan, check-in, a coach chat."""

from __future__ import annotations

from sqlalchemy import String, Text, select

from bot.app import RecoveryBot
from bot.privacy.records import owner_filter, tables_referring_to_people
from bot.schema import Base
from bot.storage.models import Person as PersonRow
from tests.coaching.plan_script import SCRIPT_TO_PLAN
from tests.handoff.support import join_as_coach, tick_messages
from tests.helpers import Person, onboard

NAME = "Morgan"
TYPED_SECRETS = ("I want to feel in charge of my drinking again",
                 "Drink only at weekends, four drinks at most", "Go for a walk first thing",
                 "Last night was rough")


async def person_with_everything(core: RecoveryBot, who: str = "morgan") -> tuple[Person, Person]:
    """(the person, their coach): onboarded, a plan, a check-in, a live coach chat."""
    person = Person(core, who)
    await onboard(person, name=NAME)
    await person.press("Start my plan")
    for kind, value in SCRIPT_TO_PLAN:
        await (person.press(value) if kind == "press" else person.say(value))
    await person.say("/checkin")
    for label in ("Really hard", "9", "More than I meant to"):
        await person.press(label)
    assert "checkin/ask_what_happened" in person.templates, person.templates
    await person.say("It was after work, at the pub with the usual crowd")
    await person.say("Go for a walk first thing")
    assert "checkin/thanks" in person.templates, person.templates
    coach = await join_as_coach(core, f"coach-of-{who}", "Alex")
    await person.say("/coach")
    while person.templates[0].startswith("handoff/") and "handoff/queued" not in person.templates:
        await person.press(next(iter(person.buttons)))  # "yes, share it"
    assert "handoff/queued" in person.templates, person.templates
    alerts = [m for to, m in await tick_messages(core) if to == coach.key]
    await coach.press_data(alerts[0].buttons[0].data)
    await person.say("Last night was rough")
    await coach.say("I'm here. Tell me more?")
    return person, coach


async def person_id(core: RecoveryBot, key: str) -> int | None:
    async with core.db.session() as session:
        return (await session.execute(
            select(PersonRow.id).where(PersonRow.user_key == key))).scalar_one_or_none()


async def rows_referring_to(core: RecoveryBot, pid: int, key: str) -> dict[str, int]:
    """Rows in EVERY table that point at the person by a key path or hold their user_key."""
    found: dict[str, int] = {}
    async with core.db.session() as session:
        for table in tables_referring_to_people():
            where = owner_filter(table, pid)
            if where is not None:
                count = len((await session.execute(select(table).where(where))).all())
                if count:
                    found[table.name] = count
            for column in table.columns:
                if column.name.endswith("person_id") and column.foreign_keys:
                    count = len((await session.execute(
                        select(table).where(column == pid))).all())
                    if count:
                        found[f"{table.name}.{column.name}"] = count
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text) and not column.type.__class__.__name__ \
                        .startswith("Encrypted"):
                    count = len((await session.execute(
                        select(table).where(column == key))).all())
                    if count:
                        found[f"{table.name}.{column.name}=user_key"] = count
    return found
