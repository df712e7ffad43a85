"""Someone whose stored rows were written under a key this process lacks (a key dropped too
early, a worker started with other keys): the bot says so kindly, still answers a crisis with
the lines, changes nothing, and /delete removes every row without reading any."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import RecoveryBot
from bot.storage.db import Database
from tests.helpers import Person, onboard


async def written_under_another_key(database: Database, key: str) -> str:
    """Re-write the person's name and conversation as a worker with key `key` would."""
    other = Fernet(Fernet.generate_key())
    name = other.encrypt(b"Sam").decode()
    conversation = other.encrypt(b'{"stack": []}').decode()
    async with database.session() as session:
        pid = (await session.execute(text("SELECT id FROM people"))).scalar_one()
        await session.execute(text("UPDATE people SET preferred_name = :v WHERE id = :id"),
                              {"v": name, "id": pid})
        await session.execute(text("UPDATE conversations SET data = :v WHERE person_id = :id"),
                              {"v": conversation, "id": pid})
    return name


async def stored_name(database: Database) -> str | None:
    async with database.session() as session:
        return (await session.execute(text("SELECT preferred_name FROM people"))).scalar()


async def test_unreadable_rows_get_a_kind_word_the_crisis_lines_and_a_working_delete(
    core: RecoveryBot, database: Database
) -> None:
    sam = Person(core)
    await onboard(sam)
    token = await written_under_another_key(database, "other")

    await sam.say("hi, how are you")
    assert sam.templates[-1] == "system/unreadable"
    assert "something's wrong on my side" in sam.text.lower()
    assert await stored_name(database) == token  # nothing of theirs changed

    await sam.say("i want to die")
    assert "safety/crisis_lines" in sam.templates
    assert "116 123" in sam.text  # Samaritans: the plain country column still known
    assert sam.templates[-1] == "system/unreadable"

    await sam.say("/delete")
    assert sam.templates == ["privacy/delete_unreadable"]
    await sam.press("Delete it all now")
    assert sam.templates == ["privacy/deleted"]
    async with database.session() as session:
        for table in ("people", "conversations", "safety_events", "nudges", "checkins"):
            count = (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
            assert count == 0, table

    await sam.say("/start")  # and they can start again, as someone new
    assert sam.templates[0] == "onboarding/hello"
