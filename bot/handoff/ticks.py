"""The handoff tick: tell coaches about new handoffs, re-alert urgent ones, and tell a person
honestly when nobody has been free.

`due_messages(services, now)` is the core: it claims what is due with guarded UPDATEs (so several
workers never send the same alert twice), commits, and returns the messages; `handoff_tick`
sends them through the channel. A background APScheduler job runs it every
SCHEDULER_TICK_SECONDS once a channel is ready. Tests call it with a FixedClock's `now`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.messages import Outbound
from bot.engine.render import code_template
from bot.handoff import coaches as coach_store
from bot.handoff.models import WAITING, Handoff
from bot.handoff.views import (
    claim_buttons,
    handoff_context,
    hours_context,
    render_outbound,
)
from bot.ports import Services, StopFn, Transport, nothing_to_stop
from bot.referrals import notice_lines
from bot.scheduling.service import every
from bot.storage.models import Person

log = logging.getLogger(__name__)

ALERT = code_template("coach/alert")
REALERT = code_template("coach/realert")
TIMEOUT = code_template("handoff/timeout")
GROUP_PREFIX = "telegram:"  # COACHES_CHAT_ID is a Telegram group


@dataclass(frozen=True)
class Delivery:
    """One message to send: who to, what."""

    user_key: str
    outbound: Outbound


@dataclass(frozen=True)
class TickReport:
    """What a tick did (counts only)."""

    alerts: int = 0
    timeouts: int = 0
    sent: int = 0


async def _claim_row(session: AsyncSession, handoff: Handoff, values: dict[str, Any],
                     guard: Any) -> bool:
    result = await session.execute(
        update(Handoff).where(Handoff.id == handoff.id, Handoff.status == WAITING, guard)
        .values(**values).execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _alerts(app: Services, session: AsyncSession, handoff: Handoff, template: str,
                  now: datetime) -> list[Delivery]:
    context = handoff_context(handoff, now)
    context["timeout_minutes"] = app.settings.handoff_claim_timeout_minutes
    buttons = claim_buttons(app.settings, handoff)
    out = render_outbound(app.renderer(), template, context, buttons)
    keys = [key for coach, key in await coach_store.on_duty_coaches(session)
            if coach.person_id != handoff.person_id]
    if app.settings.coaches_chat_id is not None:
        keys.append(f"{GROUP_PREFIX}{app.settings.coaches_chat_id}")
    return [Delivery(key, out) for key in keys]


async def _timeout_notice(app: Services, session: AsyncSession, handoff: Handoff,
                          now: datetime) -> Delivery:
    person = await session.get(Person, handoff.person_id)
    assert person is not None
    settings = app.settings
    context = handoff_context(handoff, now)
    context.update(timeout_minutes=settings.handoff_claim_timeout_minutes)
    context.update(hours_context(settings, now, person.timezone))
    context.update(notice_lines(person.country, settings.default_country))
    return Delivery(person.user_key, render_outbound(app.renderer(person.locale), TIMEOUT, context))


async def due_messages(app: Services, now: datetime) -> tuple[list[Delivery], TickReport]:
    """Claim and build everything due at `now`; committed before anything is sent."""
    timeout = timedelta(minutes=app.settings.handoff_claim_timeout_minutes)
    deliveries: list[Delivery] = []
    alerts = timeouts = 0
    async with app.db.session() as session:
        waiting = (await session.execute(
            select(Handoff).where(Handoff.status == WAITING).order_by(Handoff.id)
        )).scalars().all()
        for handoff in waiting:
            if handoff.alerted_at is None:
                if await _claim_row(session, handoff, {"alerted_at": now},
                                    Handoff.alerted_at.is_(None)):
                    deliveries += await _alerts(app, session, handoff, ALERT, now)
                    alerts += 1
            elif handoff.urgent and handoff.alerted_at <= now - timeout:
                if await _claim_row(session, handoff, {"alerted_at": now},
                                    Handoff.alerted_at == handoff.alerted_at):
                    deliveries += await _alerts(app, session, handoff, REALERT, now)
                    alerts += 1
            queued = handoff.queued_at or handoff.created_at
            if handoff.timeout_noticed_at is None and queued <= now - timeout:
                if await _claim_row(session, handoff, {"timeout_noticed_at": now},
                                    Handoff.timeout_noticed_at.is_(None)):
                    deliveries.append(await _timeout_notice(app, session, handoff, now))
                    timeouts += 1
    return deliveries, TickReport(alerts=alerts, timeouts=timeouts)


async def handoff_tick(app: Services, now: datetime, transport: Transport) -> TickReport:
    """One tick: claim what is due at `now`, then send it through the channel."""
    deliveries, report = await due_messages(app, now)
    sent = 0
    for delivery in deliveries:
        if await transport.send_to(delivery.user_key, delivery.outbound):
            sent += 1
    return TickReport(alerts=report.alerts, timeouts=report.timeouts, sent=sent)


async def start_handoff_ticks(app: Services, transport: Transport) -> StopFn:
    """Runs the handoff tick every SCHEDULER_TICK_SECONDS (one job, never overlapping)."""

    async def tick() -> None:
        try:
            await handoff_tick(app, app.clock.now(), transport)
        except Exception as exc:  # noqa: BLE001 - keep ticking; the next tick retries
            log.error("handoff tick failed: %s", type(exc).__name__)

    if app.settings.scheduler_tick_seconds <= 0:
        return nothing_to_stop
    return every(app.settings.scheduler_tick_seconds, tick, "handoff-tick", start_now=False)
