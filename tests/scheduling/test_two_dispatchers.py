"""Two bot processes on one database: 1,000 due nudges, each sent exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.scheduling.models import SCHEDULED, Nudge
from bot.storage.db import Database
from bot.storage.models import Person
from tests.scheduling.nudge_helpers import CollectingTransport, send_due

PEOPLE = 1000


async def seed(db: Database, now) -> None:  # type: ignore[no-untyped-def]
    async with db.session() as session:
        people = [
            Person(user_key=f"console:p{n}", created_at=now, last_seen_at=now, locale="en",
                   active=True, timezone="Europe/London", checkin_time="08:59",
                   onboarded_at=now, consented_at=now)
            for n in range(PEOPLE)
        ]
        session.add_all(people)
        await session.flush()
        session.add_all(
            Nudge(person_id=person.id, kind="checkin", ref="", status=SCHEDULED,
                  due_at=now - timedelta(minutes=1), attempts=0, local_time="08:59",
                  timezone="Europe/London", created_at=now, updated_at=now)
            for person in people
        )


async def test_two_dispatchers_send_each_of_a_thousand_nudges_exactly_once(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    # Two cores with their own engines and connection pools, like two processes.
    first = await RecoveryBot.create(settings, clock=clock, db=database, migrate=False)
    await seed(database, clock.now())
    second_db = Database(database.url.render_as_string(hide_password=False),
                         schema=database.schema)
    second = await RecoveryBot.create(settings, clock=clock, db=second_db, migrate=False)
    one, two = CollectingTransport(), CollectingTransport()
    try:
        stats = await asyncio.gather(
            send_due(first, one, clock.now()), send_due(second, two, clock.now())
        )
    finally:
        await second_db.dispose()
    counts = Counter(key for key, _ in one.sent + two.sent)
    assert len(counts) == PEOPLE
    assert set(counts.values()) == {1}
    assert sum(s.sent for s in stats) == PEOPLE
    assert all(reply.template == "checkin/nudge" for _, reply in one.sent + two.sent)
    # And nothing is left to send.
    assert (await send_due(first, one, clock.now())).claimed == 0
