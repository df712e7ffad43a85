"""Same replies with or without restarts: every flow, walked with scripted and seeded random
answers, once on one core and once with a fresh core between every two messages (a deploy at
any moment), on SQLite and PostgreSQL; the replies and everything stored must be identical.

A fresh core shares nothing with the one before but the database: it keeps the compiled
engines (templates and flows are read-only), so the test is quick, and any state a core kept
in memory between messages, or any value whose type changes on its way through the
database (a number stored as JSON coming back as text), shows as a difference.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.engine.flows import load_flows
from bot.engine.messages import Inbound, InboundKind
from bot.schema import Base
from bot.storage.db import Database
from tests.conftest import PG_URL, START, drop_schema, postgres_skip_reason

#: Every flow of the repository, and how a person gets into it.
ENTRIES: dict[str, list[str]] = {
    "onboarding": ["/start"],
    "plan": ["/plan", "Let's dive in", "skip", "7", "Because my kids deserve better", "skip",
             "4", "I did a dry month last year"],
    "explore": ["/explore"],
    "checkin": ["/checkin", "3", "8", "Partly", "a long day"],
    "progress": ["/progress"],
    "settings": ["/settings"],
    "resources": ["/resources"],
    "pause": ["/pause"],
    "quiet": ["/quiet"],
    "checkin_time": ["/checkin_time"],
    "handoff": ["/coach"],
    "handoff_offer": ["/checkin", "1", "10", "No"] * 3,  # hard check-ins bring the offer
    "coach_join": ["/coach_join not-a-real-code"],
    "crisis": ["i want to die"],
    "crisis_followup": ["been going out to the cliffs a lot lately, just sitting there"],
    "clinical": ["how many xanax can i take to sleep"],
    "lapse": ["I drank last night after 3 weeks sober"],
    "urge": ["I really want to use right now, the urge is strong"],
    "feelings": ["I feel so low and lonely today"],
    "talk": ["can we just talk for a bit"],
    "milestone": ["30 days sober today!"],
    "delete": ["/delete"],
}
TYPED = ["7", "skip", "I want my mornings back", "not sure", "8pm", "idk", "my sister",
         "yes", "no", "Mondays", "call my sponsor", "3", "Chicago", "back"]
STEPS = 10


def test_every_flow_has_a_way_in() -> None:
    flows, problems = load_flows(Path(__file__).resolve().parent.parent / "flows")
    assert problems == [] and set(ENTRIES) == set(flows.flows)


@pytest.fixture
async def fresh_databases(backend: str, tmp_path: Path) -> AsyncIterator[list[Database]]:
    """Two empty migrated databases on the backend."""
    made: list[tuple[Database, str | None]] = []
    for n in range(2):
        if backend == "sqlite":
            made.append((Database(f"sqlite+aiosqlite:///{tmp_path / f'replay{n}.sqlite3'}"),
                         None))
        else:
            if postgres_skip_reason():
                pytest.skip(postgres_skip_reason() or "")
            schema = f"r_{uuid.uuid4().hex[:12]}"
            made.append((Database(PG_URL, schema=schema), schema))
    for db, _ in made:
        await db.upgrade()
    yield [db for db, _ in made]
    for db, schema in made:
        await db.dispose()
        if schema:
            await drop_schema(schema)


async def walk(core: RecoveryBot, fresh_each_time: bool) -> list[tuple[Any, ...]]:
    """Walk every flow; returns every reply (template, text, buttons, recipient)."""
    rng = random.Random(20261202)
    said: list[tuple[Any, ...]] = []
    buttons: dict[str, str] = {}
    user = "console:replay"

    async def send(inbound: Inbound) -> None:
        nonlocal buttons
        bot = core
        if fresh_each_time:  # nothing kept in memory but the compiled engines
            bot = RecoveryBot(core.settings, core.engines, core.db, core.clock, core.registry)
        for reply in await bot.handle(inbound):
            said.append((reply.template, reply.text, tuple(b.label for b in reply.buttons),
                         reply.to))
            if reply.buttons and reply.to in (None, user):
                buttons = {b.label: b.data for b in reply.buttons}

    for flow, lines in ENTRIES.items():
        if flow != "onboarding":
            await send(Inbound(user, core.clock.now(), text="/cancel"))
        for line in lines:
            await send(Inbound(user, core.clock.now(), text=line))
        for _ in range(STEPS):
            if buttons and rng.random() < 0.7:
                label = rng.choice(sorted(buttons))
                await send(Inbound(user, core.clock.now(), InboundKind.BUTTON,
                                   button=buttons[label]))
            else:
                await send(Inbound(user, core.clock.now(), text=rng.choice(TYPED)))
        if flow == "onboarding":  # everyone else walks from a finished onboarding
            for line in ("/start", "That's okay with me", "Sam", "skip", "Not sure yet",
                         "United Kingdom", "8pm", "Later"):
                await send(Inbound(user, core.clock.now(), text=line))
    return said


async def stored(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, decrypted (random audit subjects and keys left out)."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    async with db.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == "pseudonym_key":  # a random key per database
                continue
            columns = [c for c in table.columns if c.name not in ("subject", "token")]
            rows = (await session.execute(select(*columns).order_by(*table.primary_key))).all()
            tables[table.name] = [tuple(row) for row in rows]
    return tables


async def test_the_same_replies_and_state_with_a_restart_between_every_two_messages(
    fresh_databases: list[Database], tmp_path: Path
) -> None:
    one, restarted = fresh_databases
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    results = []
    for db, fresh in ((one, False), (restarted, True)):
        core = await RecoveryBot.create(settings, clock=FixedClock(START), db=db, migrate=False)
        results.append((await walk(core, fresh), await stored(db)))
    (said_once, kept_once), (said_fresh, kept_fresh) = results
    assert len(said_once) > 280  # (random presses include double taps, which say nothing)
    for n, (a, b) in enumerate(zip(said_once, said_fresh, strict=False)):
        assert a == b, f"reply {n} differs after a restart:\n{a}\n{b}"
    assert len(said_once) == len(said_fresh)
    assert kept_once == kept_fresh
