"""RETENTION_DAYS: people who haven't written for that long are deleted, after a week's notice.

Off unless RETENTION_DAYS is set. A background pass (hourly, and once at start) does two
things with indexed queries on `people.last_seen_at`:

* warns anyone quiet for RETENTION_DAYS - 7 days who hasn't been warned since they last wrote;
* deletes anyone quiet for RETENTION_DAYS days who was warned at least WARNING_DAYS - 1 days
  ago (a pass that was down for a while never deletes without that notice period).

Writing any message moves `last_seen_at` past the warning, which cancels it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.engine.messages import Outbound
from bot.engine.render import code_template
from bot.ports import Services, StopFn, Transport, nothing_to_stop
from bot.privacy.forget import forget_person
from bot.privacy.models import DELETED_BY_RETENTION, RetentionNotice
from bot.scheduling.service import every
from bot.storage.models import Person
from bot.storage.people import find_person, person_view

log = logging.getLogger(__name__)

WARNING = code_template("privacy/retention_warning")
WARNING_DAYS = 7
PASS_SECONDS = 3600.0


@dataclass
class RetentionStats:
    """What one pass did (counts only)."""

    warned: int = 0
    deleted: int = 0


async def _quiet_people(app: Services, before: datetime) -> list[tuple[int, str, datetime,
                                                                         datetime | None]]:
    async with app.db.session() as session:
        rows = await session.execute(
            select(Person.id, Person.user_key, Person.last_seen_at, RetentionNotice.warned_at)
            .outerjoin(RetentionNotice, RetentionNotice.person_id == Person.id)
            .where(Person.last_seen_at < before)
            .order_by(Person.last_seen_at)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def _warn(app: Services, transport: Transport, person_id: int, key: str,
                now: datetime) -> None:
    async with app.db.session() as session:
        person = await session.get(Person, person_id)
        if person is None:
            return
        notice = await session.get(RetentionNotice, person_id)
        if notice is None:
            session.add(RetentionNotice(person_id=person_id, warned_at=now))
        else:
            notice.warned_at = now
        text = app.renderer(person.locale).render(WARNING, {
            "person": person_view(person), "retention_days": app.settings.retention_days,
        })
    await transport.send_to(key, Outbound(text, WARNING))


async def _delete(app: Services, transport: Transport, key: str, now: datetime,
                  quiet_since: datetime) -> bool:
    async with app.person_lock(key), app.db.session() as session:
        person = await find_person(session, key, lock=True)
        if person is None or person.last_seen_at >= quiet_since:
            return False  # they wrote meanwhile
        says = await forget_person(session, person, now, DELETED_BY_RETENTION)
        notes = [(say.to, Outbound(app.renderer().render(say.template, say.context),
                                   say.template)) for say in says if say.to]
    for to, outbound in notes:
        await transport.send_to(to, outbound)
    return True


async def retention_pass(app: Services, transport: Transport, now: datetime) -> RetentionStats:
    """Warn and delete quiet people as RETENTION_DAYS says; nothing when it is unset."""
    stats = RetentionStats()
    days = app.settings.retention_days
    if not days:
        return stats
    delete_before = now - timedelta(days=days)
    warn_before = now - timedelta(days=days - WARNING_DAYS)
    notice_period = timedelta(days=WARNING_DAYS - 1)
    for person_id, key, last_seen, warned_at in await _quiet_people(app, warn_before):
        warned = warned_at is not None and warned_at >= last_seen
        if not warned:
            await _warn(app, transport, person_id, key, now)
            stats.warned += 1
        elif last_seen < delete_before and warned_at is not None \
                and now - warned_at >= notice_period:
            if await _delete(app, transport, key, now, delete_before):
                stats.deleted += 1
    if stats.warned or stats.deleted:
        log.info("retention: %d warned, %d deleted", stats.warned, stats.deleted)
    return stats


async def start_retention(app: Services, transport: Transport) -> StopFn:
    """An hourly retention pass while the channel runs (only when RETENTION_DAYS is set)."""

    async def run_pass() -> None:
        try:
            await retention_pass(app, transport, app.clock.now())
        except Exception as exc:  # noqa: BLE001 - the next pass tries again
            log.error("retention pass failed: %s", type(exc).__name__)

    if not app.settings.retention_days:
        return nothing_to_stop
    return every(PASS_SECONDS, run_pass, "retention-pass")
