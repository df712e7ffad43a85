"""RETENTION_DAYS: a week's notice, then the same deletion as /delete; writing cancels it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.privacy.models import PrivacyEvent
from bot.privacy.retention import retention_pass
from bot.storage.db import Database
from tests.helpers import Person, onboard
from tests.privacy.support import person_id, rows_referring_to
from tests.scheduling.nudge_helpers import CollectingTransport

DAYS = 30


async def make_core(settings: Settings, database: Database, clock: FixedClock,
                    days: int | None = DAYS) -> RecoveryBot:
    return await RecoveryBot.create(settings.model_copy(update={"retention_days": days}),
                                    clock=clock, db=database, migrate=False)


async def test_quiet_people_are_warned_then_deleted_and_writing_cancels(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    core = await make_core(settings, database, clock)
    quiet, talker = Person(core, "quiet"), Person(core, "talker")
    await onboard(quiet, name="Robin")
    await onboard(talker, name="Kai")
    transport = CollectingTransport()
    pid = await person_id(core, quiet.key)
    assert pid is not None

    clock.advance(timedelta(days=DAYS - 8))
    assert (await retention_pass(core, transport, clock.now())).warned == 0
    clock.advance(timedelta(days=1, hours=1))  # quiet for 23 days: a week's notice
    stats = await retention_pass(core, transport, clock.now())
    assert (stats.warned, stats.deleted) == (2, 0)
    [warning] = transport.to(quiet.key)
    assert warning.template == "privacy/retention_warning"
    assert f"{DAYS} days" in warning.text and "Robin" in warning.text
    assert (await retention_pass(core, transport, clock.now())).warned == 0  # once only

    await talker.say("still here")  # any message cancels the deletion
    clock.advance(timedelta(days=7))
    stats = await retention_pass(core, transport, clock.now())
    assert (stats.warned, stats.deleted) == (0, 1)
    assert await person_id(core, quiet.key) is None
    assert await rows_referring_to(core, pid, quiet.key) == {}
    assert await person_id(core, talker.key) is not None
    async with core.db.session() as session:
        events = (await session.execute(select(PrivacyEvent.event))).scalars().all()
    assert events == ["expired"]

    await quiet.say("hi")  # they may come back: a fresh start
    assert quiet.templates[0].startswith("onboarding/")


async def test_no_deletion_without_the_notice_period(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    """A pass that was off for months still warns first and waits."""
    core = await make_core(settings, database, clock)
    sam = Person(core)
    await onboard(sam)
    transport = CollectingTransport()
    clock.advance(timedelta(days=200))
    stats = await retention_pass(core, transport, clock.now())
    assert (stats.warned, stats.deleted) == (1, 0)
    clock.advance(timedelta(days=5))
    assert (await retention_pass(core, transport, clock.now())).deleted == 0
    clock.advance(timedelta(days=2))
    assert (await retention_pass(core, transport, clock.now())).deleted == 1


async def test_off_by_default(settings: Settings, database: Database, clock: FixedClock) -> None:
    core = await make_core(settings, database, clock, days=None)
    sam = Person(core)
    await onboard(sam)
    clock.advance(timedelta(days=3650))
    transport = CollectingTransport()
    stats = await retention_pass(core, transport, clock.now())
    assert (stats.warned, stats.deleted) == (0, 0) and transport.sent == []
    assert await person_id(core, sam.key) is not None
