"""The nudge job: every SCHEDULER_TICK_SECONDS, send what is due; and `every`, which runs it.

Registered as a background service (`nudge_dispatcher`), started when a channel is ready
(Telegram or the console). The job holds no per-person state: everything it needs is in the
`nudges` table, so a restart, or a second bot process on the same PostgreSQL database,
carries on without loss or doubles.
SCHEDULER_TICK_SECONDS=0 turns the job off (for tests that drive `dispatch_due` directly).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.errors import where_it_failed
from bot.ports import ServiceFn, Services, StopFn, Transport, nothing_to_stop
from bot.scheduling.dispatcher import dispatch_due
from bot.scheduling.kinds import NudgeKinds

log = logging.getLogger(__name__)

JOB_ID = "dispatch-due-nudges"
STOP_WAIT_SECONDS = 30.0  # how long stopping waits for a tick in progress to finish


def every(seconds: float, job: Callable[[], Awaitable[None]], job_id: str, *,
          start_now: bool = True) -> StopFn:
    """Run `job` every `seconds` (never two at once; the first now, or after `seconds` if not
    `start_now`); returns its stop function.

    Stopping lets a run in progress finish (up to STOP_WAIT_SECONDS) before the scheduler
    shuts down, so nothing is cut off halfway through a send or a transaction.
    """
    running = asyncio.Lock()
    stopping = asyncio.Event()

    async def run() -> None:
        async with running:
            if not stopping.is_set():  # a run queued as stop() began does nothing
                await job()

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(run, "interval", seconds=seconds, id=job_id, max_instances=1,
                      coalesce=True, **({"next_run_time": datetime.now(UTC)} if start_now else {}))
    scheduler.start()

    async def stop() -> None:
        # The run in progress finishes before the scheduler shuts down: APScheduler's
        # shutdown cancels a running coroutine, which would cut a query off halfway (and
        # log its traceback) while the database closes under it.
        stopping.set()
        scheduler.pause()
        try:
            await asyncio.wait_for(running.acquire(), STOP_WAIT_SECONDS)
            running.release()
        except TimeoutError:
            log.warning("%s was still running at shutdown", job_id)
        scheduler.shutdown(wait=False)

    return stop


def nudge_dispatcher(kinds: NudgeKinds) -> ServiceFn:
    """The background service that sends due nudges of the registered `kinds`."""

    async def start(app: Services, transport: Transport) -> StopFn:
        """Starts the APScheduler job that ticks `dispatch_due`; returns its stop function."""

        async def tick() -> None:
            try:
                stats = await dispatch_due(app, transport, app.clock.now(), kinds)
            except Exception as exc:  # noqa: BLE001 - the next tick tries again
                log.error("nudge dispatch failed: %s", where_it_failed(exc))
                return
            if stats.claimed:
                log.info("nudges: %s", stats)

        if app.settings.scheduler_tick_seconds <= 0:
            return nothing_to_stop
        return every(app.settings.scheduler_tick_seconds, tick, JOB_ID)

    return start
