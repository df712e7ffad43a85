"""The bot's core, shared by every channel: one person's message in, replies out.

    app = await RecoveryBot.create(settings)
    replies = await app.handle(Inbound(user_key="console:sam", received_at=now, text="hi"))

For each message `handle()` takes the person's lock (one message at a time per person in
this process), opens a transaction, loads and locks the person's rows, runs the engine and
stores the new state. A conflicting write from another worker makes the step run again on
fresh data, so answers are never lost or interleaved.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import Settings, configure_encryption
from bot.engine.actions import Say, actions
from bot.engine.loader import check_engine
from bot.engine.messages import Inbound, Outbound
from bot.engine.runtime import Engine, Interrupt
from bot.engine.state import ConversationState
from bot.errors import FlowError
from bot.hooks import hooks
from bot.profile import save_profile_field
from bot.safety.directory_view import own_emergency_number
from bot.storage.db import Database
from bot.storage.models import Person
from bot.storage.people import (
    find_person,
    load_person_and_conversation,
    person_view,
    store_conversation,
)

log = logging.getLogger(__name__)

# Modules that register actions, hooks or templates when imported; plus every
# `bot/<package>/wiring.py`, found by `load_domain_modules()`.
CORE_MODULES = ("bot.profile", "bot.channels.telegram")
MAX_ATTEMPTS = 6
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def wiring_modules() -> list[str]:
    """Names of every `bot.<package>.wiring` module, in alphabetical order."""
    root = Path(__file__).parent
    return sorted(f"bot.{path.parent.name}.wiring" for path in root.glob("*/wiring.py"))


def warm_up_safety_screens() -> None:
    """Load and compile the screens' rules (and fail at start-up if their data is broken)."""
    from bot.safety import clinical_screen, crisis_screen
    from bot.safety.concern import concern_cues

    crisis_screen("warming up")
    clinical_screen("warming up")
    concern_cues()


def load_domain_modules() -> None:
    """Import every domain module so its actions, hooks and templates are registered."""
    for name in (*CORE_MODULES, *wiring_modules()):
        importlib.import_module(name)


class Transport(Protocol):
    """A channel that can send to a person outside a reply (nudges, coach relays)."""

    async def send_to(self, user_key: str, reply: Outbound) -> bool:
        """Send one message; False when the person can't be reached (blocked the bot)."""


@dataclass
class Deps:
    """What actions and hooks get for one step: the transaction and the person in it."""

    session: AsyncSession
    person: Person
    settings: Settings
    now: datetime
    app: RecoveryBot
    # The person's columns as they were when the step began (after-step hooks compare).
    person_before: dict[str, Any] = field(default_factory=dict)
    forgotten: bool = False  # the person's data was deleted in this step: store nothing more
    # Yes/no facts read with the person as the step began (`hooks.person_fact`).
    facts: Mapping[str, bool] = field(default_factory=dict)


def snapshot(person: Person) -> dict[str, Any]:
    """The person's column values, to tell later what a step changed."""
    return {column.key: getattr(person, column.key) for column in Person.__table__.columns}


class _PersonSession:
    """The engine's `StepSession` for one person in one transaction."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def context(self) -> dict[str, Any]:
        return {
            "person": person_view(self.deps.person),
            "default_country": self.deps.settings.default_country,
            # From the referral data, only once the person has told us their country.
            "emergency_number": own_emergency_number(self.deps.person.country),
        }

    async def save(self, target: str, value: Any) -> None:
        save_profile_field(self.deps.person, target.removeprefix("profile."), value)

    async def screen(self, inbound: Inbound) -> Interrupt | None:
        for fn in hooks.screens:
            interrupt = await fn(inbound, self.deps)
            if interrupt is not None:
                return interrupt
        return None

    async def intercept(self, inbound: Inbound, state: ConversationState) -> list[Say] | None:
        for fn in hooks.intercepts:
            said = await fn(inbound, state, self.deps)
            if said is not None:
                return said
        return None


class _Locks:
    """One asyncio lock per person, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def __call__(self, key: str) -> asyncio.Lock:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        await lock.acquire()
        return lock

    def release(self, key: str) -> None:
        lock, users = self._locks[key]
        lock.release()
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)


class RecoveryBot:
    """Engine + database + clock: everything a channel needs to talk to people."""

    def __init__(self, settings: Settings, engine: Engine, db: Database, clock: Clock) -> None:
        self.settings = settings
        self.engine = engine
        self.db = db
        self.clock = clock
        self.transport: Transport | None = None
        self._locks = _Locks()
        self._stops: list[Any] = []

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        db: Database | None = None,
        migrate: bool = True,
    ) -> RecoveryBot:
        """Load and check flows and templates (fail fast), open and migrate the database."""
        load_domain_modules()
        configure_encryption(settings)
        warm_up_safety_screens()  # compile the lexicons now, not on someone's first message
        engine, problems = check_engine(actions, locale=settings.locale)
        if engine is None:
            raise FlowError(problems)
        url = settings.resolved_database_url()
        database = db or Database(url, schema=settings.database_schema)
        if migrate:
            await database.upgrade()
        return cls(settings, engine, database, clock or SystemClock())

    async def close(self) -> None:
        """Stop background services and release the database connections."""
        await self.on_channel_stopping()
        await self.db.dispose()

    async def on_channel_ready(self, transport: Transport) -> None:
        """A channel can send now: remember it and start background services."""
        self.transport = transport
        for start in hooks.services:
            self._stops.append(await start(self, transport))

    async def on_channel_stopping(self) -> None:
        """Stop background services (in reverse order of starting)."""
        while self._stops:
            stop = self._stops.pop()
            await stop()

    async def mark_unreachable(self, user_key: str) -> None:
        """The person blocked the bot: no more nudges until they write again."""
        async with self.db.session() as session:
            person = await find_person(session, user_key, lock=True)
            if person is not None:
                person.active = False

    @asynccontextmanager
    async def person_lock(self, user_key: str) -> AsyncIterator[None]:
        """Hold this person's lock (no message of theirs is handled meanwhile in this process)."""
        await self._locks(user_key)
        try:
            yield
        finally:
            self._locks.release(user_key)

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        """Run one inbound message through safety, commands and flows; return the replies."""
        await self._locks(inbound.user_key)
        try:
            return await self._with_retries(inbound.user_key, inbound, None)
        finally:
            self._locks.release(inbound.user_key)

    async def start_flow_for(
        self, user_key: str, flow: str, facts: Mapping[str, Any] | None = None
    ) -> list[Outbound]:
        """Start `flow` for a person (a scheduled check-in); their current flow resumes after."""
        await self._locks(user_key)
        try:
            return await self._with_retries(user_key, None, (flow, dict(facts or {})))
        finally:
            self._locks.release(user_key)

    async def _with_retries(
        self, user_key: str, inbound: Inbound | None, start: tuple[str, dict[str, Any]] | None
    ) -> list[Outbound]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await self._step(user_key, inbound, start)
            except (StaleDataError, IntegrityError, OperationalError) as exc:
                if attempt == MAX_ATTEMPTS:
                    raise
                log.info("conversation write conflict (%s), retrying", type(exc).__name__)
                await asyncio.sleep(0.01 * attempt)
        raise AssertionError("unreachable")

    async def _step(
        self, user_key: str, inbound: Inbound | None, start: tuple[str, dict[str, Any]] | None
    ) -> list[Outbound]:
        now = self.clock.now()
        async with self.db.session() as session:
            person, stored, facts = await load_person_and_conversation(
                session, user_key, now, hooks.person_facts
            )
            conv = ConversationState.from_dict(stored.data)
            if inbound is not None and inbound.update_id is not None and not conv.first_time(
                inbound.update_id
            ):
                # Telegram delivered it again (our answer to it was lost, or a process
                # stopped after handling it): it was handled, nothing is written or sent.
                metrics.updates_redelivered.inc()
                return []
            before = snapshot(person)
            if inbound is not None:
                # Written only when it changes meaningfully: one UPDATE fewer per message.
                if now - person.last_seen_at >= LAST_SEEN_RESOLUTION:
                    person.last_seen_at = now
                if not person.active:
                    person.active = True
            deps = Deps(session=session, person=person, settings=self.settings, now=now, app=self,
                        person_before=before, facts=facts)
            step_session = _PersonSession(deps)
            if inbound is not None:
                out = await self.engine.step(conv, inbound, step_session)
                if not deps.forgotten:
                    for fn in hooks.after_step:
                        await fn(inbound, conv, deps)
            else:
                assert start is not None
                out = await self.engine.start_flow(conv, start[0], step_session, start[1])
            if not deps.forgotten:  # after /delete there is no row left to write to
                await store_conversation(session, stored, conv.to_dict(), now)
        return out
