"""The one background job: every SCHEDULER_TICK_SECONDS, send what is due.

Started as a `@hooks.service` when a channel is ready (Telegram or the console). The job
holds no per-person state: everything it needs is in the `nudges` table, so a restart, or a
second bot process on the same PostgreSQL database, carries on without loss or doubles.
SCHEDULER_TICK_SECONDS=0 turns the job off (for tests that drive `dispatch_due` directly).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.errors import where_it_failed
from bot.hooks import StopFn, hooks
from bot.scheduling.dispatcher import dispatch_due

if TYPE_CHECKING:
    from bot.app import RecoveryBot, Transport

log = logging.getLogger(__name__)

JOB_ID = "dispatch-due-nudges"
STOP_WAIT_SECONDS = 30.0  # how long stopping waits for a tick in progress to finish


@hooks.service
async def start_nudge_dispatcher(app: RecoveryBot, transport: Transport) -> StopFn:
    """Starts the APScheduler job that ticks `dispatch_due`; returns its stop function."""
    tick_seconds = app.settings.scheduler_tick_seconds
    running = asyncio.Lock()

    async def tick() -> None:
        async with running:
            try:
                stats = await dispatch_due(app, transport, app.clock.now())
            except Exception as exc:  # noqa: BLE001 - the next tick tries again
                log.error("nudge dispatch failed: %s", where_it_failed(exc))
                return
            if stats.claimed:
                log.info("nudges: %s", stats)

    if tick_seconds <= 0:
        async def nothing_to_stop() -> None:
            return None

        return nothing_to_stop

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        tick, "interval", seconds=tick_seconds, id=JOB_ID, max_instances=1, coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()

    async def stop() -> None:
        scheduler.shutdown(wait=False)
        try:
            await asyncio.wait_for(running.acquire(), STOP_WAIT_SECONDS)
            running.release()
        except TimeoutError:
            log.warning("a nudge dispatch was still running at shutdown")

    return stop
