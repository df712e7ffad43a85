"""Send every nudge that is due, exactly once, and work out when each comes next.

    stats = await dispatch_due(services, transport, now, kinds)

`dispatch_due` is a plain async function of an injected "now", so tests drive it with a
`FixedClock` and no sleeps; the APScheduler job in `service.py` just calls it every tick.

For each claimed row (see `store.claim_due`):

1. A person who blocked the bot gets nothing; the row is held until they write again.
2. A nudge more than its kind's grace late (the bot was down) is skipped to the next
   occurrence: never a flood of stale nudges after a restart.
3. Otherwise its kind (looked up in the registered `kinds`) composes the messages (a
   check-in starts the `checkin` flow on top of whatever the person was doing) and the
   transport sends them.
4. Only after a successful send is the row moved to its next occurrence. A crash between
   sending and recording leaves the lease to run out and the nudge goes again: at worst one
   repeat, never a loss. A failed send (Telegram down after the channel's own retries) leaves
   the row due again after a backoff, with ``attempts + 1``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from bot import metrics
from bot.ports import Services, Transport
from bot.scheduling.kinds import DueNudge, NudgeKind, NudgeKinds
from bot.scheduling.models import DONE, FAILED, HELD, Nudge
from bot.scheduling.recurrence import is_stale
from bot.scheduling.store import claim_due, held_row, release

log = logging.getLogger(__name__)

CLAIM_BATCH = 50  # rows claimed per query
LEASE = timedelta(minutes=5)  # a claim no process finished becomes claimable again after this
MAX_SEND_ATTEMPTS = 5  # then a recurring nudge skips to its next occurrence, a one-off fails
RETRY_BASE = timedelta(seconds=30)  # backoff after a failed send: 30 s, 1 min, 2 min, ...
RETRY_CAP = timedelta(minutes=30)
# Rows processed at once. SQLite has one writer, so concurrent check-in starts would only
# queue for its lock; PostgreSQL takes row locks and gains from overlapping network waits.
CONCURRENCY_SQLITE = 1
CONCURRENCY_POSTGRES = 8


@dataclass
class DispatchStats:
    """What one dispatch did, for logs, tests and the benchmark."""

    claimed: int = 0
    sent: int = 0
    skipped_stale: int = 0
    skipped_nothing_to_send: int = 0
    held_unreachable: int = 0
    retried: int = 0
    given_up: int = 0
    lost_lease: int = 0

    def add(self, other: DispatchStats) -> None:
        """Adds another dispatch's counts to these."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def retry_delay(attempts: int) -> timedelta:
    """Backoff before the next try after `attempts` failed sends."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def count(stats: DispatchStats) -> None:
    """Adds one dispatch pass's counts to the metrics."""
    metrics.nudges.labels("sent").inc(stats.sent)
    metrics.nudges.labels("failed").inc(stats.retried + stats.given_up)
    metrics.nudges.labels("late").inc(stats.skipped_stale)
    metrics.nudges.labels("unreachable").inc(stats.held_unreachable)


async def dispatch_due(
    app: Services, transport: Transport, now: datetime, kinds: NudgeKinds, *,
    batch: int = CLAIM_BATCH,
) -> DispatchStats:
    """Claims and sends every nudge due at `now`, batch after batch, until none is left.

    Args:
        app: the running core (its database, and flows a nudge may start).
        transport: the channel that sends.
        now: the dispatch's time.
        kinds: what each kind of nudge sends (the registry's `nudge_kinds`).
        batch: rows claimed per query.
    """
    stats = DispatchStats()
    token = uuid.uuid4().hex
    limit = asyncio.Semaphore(CONCURRENCY_POSTGRES if app.db.is_postgres else CONCURRENCY_SQLITE)

    async def one(due: DueNudge) -> None:
        async with limit:
            await _dispatch_one(app, transport, kinds.get(due.kind), due, now, token, stats)

    while True:
        claimed = await claim_due(app.db, now, limit=batch, lease=LEASE, token=token)
        if not claimed:
            count(stats)
            return stats
        stats.claimed += len(claimed)
        await asyncio.gather(*(one(due) for due in claimed))


async def _dispatch_one(
    app: Services, transport: Transport, kind: NudgeKind | None, due: DueNudge, now: datetime,
    token: str, stats: DispatchStats,
) -> None:
    if kind is None:
        log.error("nudge %s has unknown kind %r; marking it failed", due.id, due.kind)
        await _record(app, due, token, now, status=FAILED)
        return
    if not due.person_active:
        stats.held_unreachable += 1
        await _record(app, due, token, now, status=HELD)
        return
    if is_stale(due.due_at, now, kind.grace):
        stats.skipped_stale += 1
        await _advance(app, kind, due, token, now, sent=False, stats=stats)
        return
    try:
        messages = await kind.compose(app, due, now)
        if not messages:
            stats.skipped_nothing_to_send += 1
            await _advance(app, kind, due, token, now, sent=False, stats=stats)
            return
        for message in messages:
            if not await transport.send_to(due.user_key, message):
                # The channel has marked the person unreachable (the one place that does).
                stats.held_unreachable += 1
                await _abandon(app, kind, due)
                await _record(app, due, token, now, status=HELD)
                return
    except Exception as exc:  # noqa: BLE001 - any failure means "try again later"
        log.warning("nudge %s not sent (%s); will retry", due.id, type(exc).__name__)
        await _abandon(app, kind, due)
        await _retry_later(app, kind, due, token, now, stats)
        return
    stats.sent += 1
    await _advance(app, kind, due, token, now, sent=True, stats=stats)


async def _abandon(app: Services, kind: NudgeKind, due: DueNudge) -> None:
    """Best effort: undo what composing left behind for a nudge that did not go out."""
    if kind.abandon is None:
        return
    try:
        await kind.abandon(app, due)
    except Exception as exc:  # noqa: BLE001 - the row's own bookkeeping matters more
        log.warning("could not tidy up after nudge %s (%s)", due.id, type(exc).__name__)


async def _advance(
    app: Services, kind: NudgeKind, due: DueNudge, token: str, now: datetime, *,
    sent: bool, stats: DispatchStats,
) -> None:
    """Moves the row to its next occurrence (or marks a one-off done) and ends the claim."""
    async with app.db.session() as session:
        row = await held_row(session, due, token)
        if row is None:
            stats.lost_lease += 1
            return
        following = await kind.next_due(session, due, now)
        if sent:
            row.last_sent_at = now
        row.attempts = 0
        if following is None:
            row.status = DONE
        else:
            row.due_at = following
        release(row, now)


async def _retry_later(
    app: Services, kind: NudgeKind, due: DueNudge, token: str, now: datetime,
    stats: DispatchStats,
) -> None:
    """Leaves the row due again after a backoff; after too many tries, moves on."""
    attempts = due.attempts + 1
    if attempts >= MAX_SEND_ATTEMPTS:
        stats.given_up += 1
        log.error("nudge %s failed %d times; moving on", due.id, attempts)
        async with app.db.session() as session:
            row = await held_row(session, due, token)
            if row is None:
                return
            following = await kind.next_due(session, due, now)
            row.attempts = 0
            if following is None:
                row.status = FAILED
            else:
                row.due_at = following
            release(row, now)
        return
    stats.retried += 1
    async with app.db.session() as session:
        row = await held_row(session, due, token)
        if row is not None:
            row.attempts = attempts
            row.due_at = now + retry_delay(attempts)
            release(row, now)


async def _record(
    app: Services, due: DueNudge, token: str, now: datetime, *, status: str
) -> None:
    """Sets the row's status and ends the claim."""
    async with app.db.session() as session:
        row: Nudge | None = await held_row(session, due, token)
        if row is not None:
            row.status = status
            release(row, now)
