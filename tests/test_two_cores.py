"""Two bot cores on one database serving hundreds of people at once, in one process.

Each core has its own engine and connection pool, as two workers do; every message of
every person goes to whichever core a coin toss picks, and everyone talks at the same time.
Runs on SQLite too; tests/test_two_webhook_processes.py does the same with two real
processes in webhook mode behind a load balancer (PostgreSQL).
Each person's answers must land in their own profile in the order they gave them, each
message must be answered exactly once, and every conversation must end where it should.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.storage.db import Database
from bot.storage.models import Person as PersonRow
from tests.helpers import Person

pytestmark = pytest.mark.serial  # several bot processes: alone, after the parallel run

async def onboarding(person: Person, cores: list[RecoveryBot], rng: random.Random, n: int
                     ) -> list[list[str]]:
    """Onboard through randomly chosen cores; returns each step's reply templates."""
    steps = [("say", "/start"), ("press", "That's okay with me"), ("say", f"Person {n}"),
             ("say", f"Reason number {n}"), ("press", "Cutting down"),
             ("press", "United Kingdom"), ("say", f"{7 + n % 3}pm")]
    seen = []
    for kind, value in steps:
        person.core = rng.choice(cores)
        await (person.press(value) if kind == "press" else person.say(value))
        seen.append(person.templates)
        await asyncio.sleep(0)
    return seen


async def test_two_processes_keep_each_person_in_order_and_answer_once(
    settings: Settings, database: Database, clock: FixedClock, backend: str
) -> None:
    people_count = 300 if backend == "postgres" else 100
    first = await RecoveryBot.create(settings, clock=clock, db=database, migrate=False)
    other_db = Database(database.url.render_as_string(hide_password=False),
                        schema=database.schema)
    second = await RecoveryBot.create(settings, clock=clock, db=other_db, migrate=False)
    rng = random.Random(7)
    people = [Person(first, f"p{n}") for n in range(people_count)]
    try:
        transcripts = await asyncio.gather(*(
            onboarding(person, [first, second], random.Random(rng.random()), n)
            for n, person in enumerate(people)
        ))
    finally:
        await other_db.dispose()

    # Everyone saw the same conversation, one answer per message.
    assert all(t == transcripts[0] for t in transcripts)
    assert transcripts[0][-1][-1] == "onboarding/offer"
    async with database.session() as session:
        rows = {p.user_key: p for p in (await session.execute(select(PersonRow))).scalars()}
    assert len(rows) == people_count
    for n, person in enumerate(people):
        row = rows[person.key]
        assert (row.preferred_name, row.reason) == (f"Person {n}", f"Reason number {n}")
        assert row.checkin_time == f"{19 + n % 3}:00"
        assert row.onboarded_at is not None
