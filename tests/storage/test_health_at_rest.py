"""Health details are encrypted at rest, and a database written before that is converted in
place: the crisis rule, the pathway and the check-in answers come back the same through the
models, and the stored bytes no longer hold them in clear; the person's address, the crisis
category and the nudge kind become pseudonyms (0011)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.checkins.models import Checkin
from bot.safety.models import SafetyEvent
from bot.scheduling.models import Nudge
from bot.storage import crypto
from bot.storage.db import Database, alembic_config
from bot.storage.models import Person
from bot.storage.pseudonyms import load_pseudonym_key
from tests.conftest import PG_URL, drop_schema, postgres_skip_reason

BEFORE = "0009_key_canary"
ROWS = [
    "INSERT INTO people (id, user_key, created_at, last_seen_at, pathway, locale, active) "
    "VALUES (1, 'console:old', '2026-11-01 09:00:00+00', '2026-11-01 09:00:00+00', "
    "'safer_use', 'en', true)",
    "INSERT INTO safety_events (id, person_id, category, rule, about_other, created_at) "
    "VALUES (1, 1, 'overdose', 'overdose.signs', false, '2026-11-01 09:00:00+00')",
    "INSERT INTO checkins (id, person_id, local_date, mood, craving, went_to_plan, created_at, "
    "updated_at) VALUES (1, 1, '2026-11-01', 2, 9, 'partly', '2026-11-01 09:00:00+00', "
    "'2026-11-01 09:00:00+00')",
    "INSERT INTO nudges (id, person_id, kind, ref, status, due_at, attempts, created_at, "
    "updated_at) VALUES (1, 1, 'safety_followup', '', 'scheduled', '2026-11-02 09:00:00+00', 0, "
    "'2026-11-01 09:00:00+00', '2026-11-01 09:00:00+00')",
]


async def test_a_database_from_before_is_encrypted_in_place(backend: str, tmp_path: Path) -> None:
    from alembic import command
    from cryptography.fernet import Fernet

    crypto.configure([Fernet.generate_key()])
    schema = None
    if backend == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    else:
        if postgres_skip_reason():
            pytest.skip(postgres_skip_reason() or "")
        schema = f"h_{uuid.uuid4().hex[:12]}"
        db = Database(PG_URL, schema=schema)
    try:
        async with db.engine.begin() as conn:
            if schema:
                await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), BEFORE))
            for row in ROWS:
                await conn.execute(text(row))
        await db.upgrade()
        async with db.session() as session:
            person = (await session.execute(select(Person))).scalar_one()
            event = (await session.execute(select(SafetyEvent))).scalar_one()
            checkin = (await session.execute(select(Checkin))).scalar_one()
        assert person.pathway == "safer_use" and event.rule == "overdose.signs"
        assert (checkin.mood, checkin.craving, checkin.went_to_plan) == (2, 9, "partly")
        async with db.engine.connect() as conn:
            raw = [tuple(r) for r in (await conn.execute(text(
                "SELECT p.pathway, s.rule, c.mood, c.craving, c.went_to_plan FROM people p "
                "JOIN safety_events s ON s.person_id = p.id JOIN checkins c ON c.person_id = p.id"
            ))).all()]
        assert all(str(value).startswith("gAAAA") for value in raw[0]), raw
        # Found by value, so pseudonyms: opaque in the file, the same through the models,
        # and still readable by a process that loads the key the migration stored.
        async with db.engine.connect() as conn:
            opaque = tuple((await conn.execute(text(
                "SELECT p.user_key, s.category, n.kind FROM people p JOIN safety_events s ON "
                "s.person_id = p.id JOIN nudges n ON n.person_id = p.id"))).one())
        assert not set(opaque) & {"console:old", "overdose", "safety_followup"}, opaque
        crypto.configure_pseudonyms(crypto.new_pseudonym_key())  # another process's state
        await load_pseudonym_key(db)
        async with db.session() as session:
            found = (await session.execute(
                select(Person.id, SafetyEvent.category, Nudge.kind)
                .join(SafetyEvent, SafetyEvent.person_id == Person.id)
                .join(Nudge, Nudge.person_id == Person.id)
                .where(Person.user_key == "console:old"))).one()
        assert tuple(found) == (1, "overdose", "safety_followup")
    finally:
        await db.dispose()
        if schema:
            await drop_schema(schema)
