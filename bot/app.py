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
import logging
import zlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.composition import compose
from bot.config import Settings, configure_encryption
from bot.engine.actions import Say
from bot.engine.inputs import Vocabulary, strip_name_opening
from bot.engine.loader import check_engine
from bot.engine.messages import Button, Inbound, Outbound
from bot.engine.render import Renderer
from bot.engine.runtime import Engine, Interrupt
from bot.engine.state import ConversationState
from bot.errors import FlowError
from bot.locales import check_locales
from bot.ports import StepContext, Transport
from bot.privacy.unreadable import (
    DELETE_ASK,
    DELETE_BUTTON,
    DELETE_UNREADABLE,
    DELETED,
    UNREADABLE,
    asks_to_delete,
    confirms_delete,
    delete_unreadable,
    plain_person,
)
from bot.profile import save_profile_field
from bot.referrals import own_emergency_number
from bot.registry import Registry
from bot.storage.crypto import UnreadableData
from bot.storage.db import Database
from bot.storage.keycheck import check_keys
from bot.storage.models import Person
from bot.storage.people import (
    find_person,
    load_person_and_conversation,
    person_view,
    store_conversation,
)
from bot.storage.pseudonyms import load_pseudonym_key
from bot.understanding import understand

log = logging.getLogger(__name__)


class _Discard(Exception):  # noqa: N818 - not an error: rolls a step's transaction back
    """Raised inside a transaction whose writes must not be kept."""


MAX_ATTEMPTS = 6
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def warm_up_safety_screens() -> None:
    """Load and compile the screens' rules (and fail at start-up if their data is broken)."""
    from bot.safety import clinical_screen, crisis_screen
    from bot.safety.concern import concern_cues
    from bot.safety.crisis import passes_on_words

    crisis_screen("warming up")
    clinical_screen("warming up")
    concern_cues()
    passes_on_words("warming up")  # a broken pattern in someone_else.yaml fails here, not later


def understander(locale: str) -> Callable[[str], dict[str, Any]]:
    """The understanding step of `locale`, as the engine asks for it."""

    def heard(text: str) -> dict[str, Any]:
        return understand(text, locale).as_dict()

    return heard


def snapshot(person: Person) -> dict[str, Any]:
    """The person's column values, to tell later what a step changed."""
    return {column.key: getattr(person, column.key) for column in Person.__table__.columns}


class _PersonSession:
    """The engine's `StepSession` for one person in one transaction."""

    def __init__(self, deps: StepContext, registry: Registry) -> None:
        self.deps = deps
        self.registry = registry

    async def context(self) -> dict[str, Any]:
        return {
            "person": person_view(self.deps.person),
            "default_country": self.deps.settings.default_country,
            # From the referral data, only once the person has told us their country.
            "emergency_number": own_emergency_number(self.deps.person.country),
            # The facts loaded with the person (registry.person_fact), e.g. "handoff.waiting".
            "person_facts": dict(self.deps.facts),
        }

    async def save(self, target: str, value: Any) -> None:
        field = target.removeprefix("profile.")
        if field == "preferred_name" and isinstance(value, str):
            value = strip_name_opening(value, self.deps.services.words(self.deps.locale))
        save_profile_field(self.deps.person, field, value)

    async def screen(self, inbound: Inbound) -> Interrupt | None:
        for fn in self.registry.screens:
            interrupt = await fn(inbound, self.deps)
            if interrupt is not None:
                return interrupt
        return None

    async def intercept(self, inbound: Inbound, state: ConversationState) -> list[Say] | None:
        for fn in self.registry.intercepts:
            said = await fn(inbound, state, self.deps)
            if said is not None:
                return said
        return None

    def take_outbox(self) -> list[Say]:
        queued, self.deps.outbox = self.deps.outbox, []
        return queued

    def now(self) -> datetime:
        return self.deps.now

    def seed(self) -> int:
        return zlib.crc32(self.deps.person.user_key.encode("utf-8"))


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
    """Engines (one a locale) + database + clock + what the domains registered: everything
    a channel needs to talk to people. Implements `bot.ports.Services` for the domains."""

    def __init__(self, settings: Settings, engines: Mapping[str, Engine], db: Database,
                 clock: Clock, registry: Registry) -> None:
        self.settings = settings
        self.engines = dict(engines)
        self.db = db
        self.clock = clock
        self.registry = registry
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
        registry: Registry | None = None,
    ) -> RecoveryBot:
        """Load and check flows, templates and safety data for every locale (fail fast),
        open and migrate the database."""
        registry = registry or compose()
        configure_encryption(settings)
        problems = check_locales(settings.locales())
        if problems:
            raise FlowError(problems)
        warm_up_safety_screens()  # compile the lexicons now, not on someone's first message
        engines: dict[str, Engine] = {}
        for locale in settings.locales():
            engine, problems = check_engine(registry.actions, locale=locale,
                                            understand=understander(locale))
            if engine is None:
                raise FlowError(problems)
            engines[locale] = engine
        url = settings.resolved_database_url()
        database = db or Database(url, schema=settings.database_schema)
        if migrate:
            await database.upgrade()
            await check_keys(database)
        await load_pseudonym_key(database)
        return cls(settings, engines, database, clock or SystemClock(), registry)

    # ------------------------------------------------------------------ Services

    @property
    def engine(self) -> Engine:
        """The engine of the configured default locale (menus, channel notes)."""
        return self.engines[self.settings.locale]

    def engine_for(self, locale: str | None) -> Engine:
        """The engine of `locale`; the default locale's for one that isn't served."""
        return self.engines.get(locale or "", self.engine)

    def renderer(self, locale: str | None = None) -> Renderer:
        """The templates of `locale` (the default locale's when None)."""
        return self.engine_for(locale).renderer

    def words(self, locale: str | None = None) -> Vocabulary:
        """The input words of `locale`."""
        return self.engine_for(locale).words

    async def emit(self, event: str, ctx: StepContext) -> None:
        """Tell the subscribers of `event`, in the step's transaction."""
        await self.registry.emit(event, ctx)

    # ------------------------------------------------------------------ lifecycle

    async def close(self) -> None:
        """Stop background services and release the database connections."""
        await self.on_channel_stopping()
        await self.db.dispose()

    async def on_channel_ready(self, transport: Transport) -> None:
        """A channel can send now: remember it and start background services."""
        self.transport = transport
        for start in self.registry.services:
            self._stops.append(await start(self, transport))

    async def on_channel_stopping(self) -> None:
        """Stop background services (in reverse order of starting)."""
        while self._stops:
            stop = self._stops.pop()
            await stop()

    async def mark_unreachable(self, user_key: str) -> None:
        """The person blocked the bot: no more nudges until they write again.

        Called by the channel that found out (the one place that marks anyone unreachable).
        """
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

    # ------------------------------------------------------------------ steps

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        """Run one inbound message through safety, commands and flows; return the replies.

        The replies (including messages to other people) are returned only after the
        step's transaction has committed; the channel sends them.
        """
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
            except UnreadableData:
                # Rows written under a key this process lacks: say so kindly, screen for a
                # crisis, let them delete; change nothing else (privacy.unreadable).
                log.error("a person's stored data can't be read with the configured keys")
                metrics.unreadable_steps.inc()
                return [] if inbound is None else await self._unreadable_step(user_key, inbound)
            except (StaleDataError, IntegrityError, OperationalError) as exc:
                if attempt == MAX_ATTEMPTS:
                    raise
                log.info("conversation write conflict (%s), retrying", type(exc).__name__)
                await asyncio.sleep(0.01 * attempt)
        raise AssertionError("unreachable")

    async def _unreadable_step(self, user_key: str, inbound: Inbound) -> list[Outbound]:
        """A step for someone whose stored data can't be read: the engine runs on a blank
        conversation and the plain columns, in a transaction that is rolled back, so the
        crisis screen, crisis lines, /help and /resources work and nothing is written;
        /delete asks once and deletes every row without reading it."""
        now = self.clock.now()
        renderer = self.renderer()
        async with self.db.session() as session:
            person = await plain_person(session, user_key)
            if person is None:
                return []
            if confirms_delete(inbound):
                await delete_unreadable(session, person.id, now)
                log.info("a person deleted their data (unreadable)")
                return [Outbound(text=renderer.render(DELETED), template=DELETED)]
        if asks_to_delete(inbound):
            return [Outbound(text=renderer.render(DELETE_ASK), template=DELETE_ASK, buttons=(
                Button(renderer.render(DELETE_BUTTON), DELETE_UNREADABLE),))]
        out: list[Outbound] = []
        try:
            async with self.db.session() as session:
                deps = StepContext(session=session, person=person, settings=self.settings,
                                   now=now, services=self, person_before=snapshot(person),
                                   facts={})
                out = await self.engine_for(person.locale).step(
                    ConversationState(), inbound, _PersonSession(deps, self.registry))
                raise _Discard
        except _Discard:
            pass
        except UnreadableData:
            out = []  # something the step read was unreadable too: the note below still goes
        note = Outbound(text=renderer.render(UNREADABLE), template=UNREADABLE)
        return [*out, note]

    async def _step(
        self, user_key: str, inbound: Inbound | None, start: tuple[str, dict[str, Any]] | None
    ) -> list[Outbound]:
        now = self.clock.now()
        async with self.db.session() as session:
            person, stored, facts = await load_person_and_conversation(
                session, user_key, now, self.registry.person_facts, self.settings.locale
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
            deps = StepContext(session=session, person=person, settings=self.settings, now=now,
                               services=self, person_before=before, facts=facts)
            step_session = _PersonSession(deps, self.registry)
            engine = self.engine_for(person.locale)
            if inbound is not None:
                out = await engine.step(conv, inbound, step_session)
                if not deps.forgotten:
                    for fn in self.registry.after_step:
                        await fn(inbound, conv, deps)
                    out += await engine.render_says(conv, step_session, step_session.take_outbox())
            else:
                assert start is not None
                out = await engine.start_flow(conv, start[0], step_session, start[1])
            if not deps.forgotten:  # after /delete there is no row left to write to
                await store_conversation(session, stored, conv.to_dict(), now)
        return out
