"""The narrow interfaces between the bot's core and its domain packages.

Domain packages (safety, handoff, checkins, coaching, privacy, scheduling) see the core only
through what this module names; they never import `bot.app`::

    StepContext   one person's step: the transaction, the person, the time, the services
    Call          what a flow action is given (`ActionCall[StepContext]`)
    Services      what a domain may ask of the running core (database, templates, start a flow)
    Transport     a channel that can send to a person outside a reply (nudges, alerts)

and the shapes of the functions a domain registers (`bot.registry.Registry`): screens,
intercepts, after-step functions, event subscribers, background services, person facts.

Messages leave only after the transaction that produced them commits: a domain that wants
to tell someone else something during a step (a coach, during a crisis) adds a `Say(to=...)`
with `StepContext.send_after_commit`, never sends through the transport itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.engine.actions import ActionCall, Say
from bot.engine.inputs import Vocabulary
from bot.engine.messages import Inbound, Outbound
from bot.engine.render import Renderer
from bot.engine.runtime import Interrupt
from bot.engine.state import ConversationState
from bot.storage.db import Database
from bot.storage.models import Person


class Transport(Protocol):
    """A channel that can send to a person outside a reply (nudges, coach alerts)."""

    async def send_to(self, user_key: str, reply: Outbound) -> bool:
        """Send one message; False when the person can't be reached (blocked the bot).

        The channel itself records an unreachable person (the one place that does).
        """


class Services(Protocol):
    """What a domain may ask of the running core, outside or inside a person's step."""

    settings: Settings
    clock: Clock
    db: Database

    def renderer(self, locale: str | None = None) -> Renderer:
        """The templates of `locale` (the configured default when None)."""

    def words(self, locale: str | None = None) -> Vocabulary:
        """The input words (skip, back, yes, no...) of `locale`."""

    async def start_flow_for(
        self, user_key: str, flow: str, facts: Mapping[str, Any] | None = None
    ) -> list[Outbound]:
        """Start `flow` for a person in a step of its own; their current flow resumes after."""

    def person_lock(self, user_key: str) -> AbstractAsyncContextManager[None]:
        """Hold this person's lock: none of their messages is handled meanwhile (this process)."""

    async def emit(self, event: str, ctx: StepContext) -> None:
        """Tell the subscribers of `event`, in the same transaction (e.g. "plan.saved")."""


@dataclass
class StepContext:
    """One person's step: what actions, screens and hooks are given.

    Attributes:
        session: the step's transaction (committed after the step, then messages go out).
        person: the person, their row locked for this step.
        settings: the running configuration.
        now: the step's time (aware UTC).
        services: the running core.
        person_before: the person's columns as they were when the step began.
        facts: yes/no facts read with the person as the step began (see
            `Registry.person_fact`), such as whether they are in a live coach chat.
        forgotten: the person's data was deleted in this step: nothing more is stored.
        outbox: messages to other people, sent once the step's transaction has committed.
    """

    session: AsyncSession
    person: Person
    settings: Settings
    now: datetime
    services: Services
    person_before: dict[str, Any] = field(default_factory=dict)
    facts: Mapping[str, bool] = field(default_factory=dict)
    forgotten: bool = False
    outbox: list[Say] = field(default_factory=list)

    @property
    def locale(self) -> str:
        """The person's language (their templates, words and safety data)."""
        return self.person.locale or self.settings.locale

    def send_after_commit(self, say: Say) -> None:
        """Send `say` (usually to someone else: `Say(to=...)`) once the step has committed."""
        self.outbox.append(say)

    async def emit(self, event: str) -> None:
        """Tell the subscribers of `event` in this step's transaction."""
        await self.services.emit(event, self)


Call = ActionCall[StepContext]
"""What a flow action is given: the step, where the person is, what they answered."""

ScreenFn = Callable[[Inbound, StepContext], Awaitable[Interrupt | None]]
InterceptFn = Callable[[Inbound, ConversationState, StepContext], Awaitable[list[Say] | None]]
AfterStepFn = Callable[[Inbound, ConversationState, StepContext], Awaitable[None]]
EventFn = Callable[[StepContext], Awaitable[None]]
StopFn = Callable[[], Awaitable[None]]
ServiceFn = Callable[[Services, Transport], Awaitable[StopFn]]
PersonFactFn = Callable[[Any], Any]
"""The person's id column -> an SQL boolean (an `exists()`), read with the person."""


async def nothing_to_stop() -> None:
    """The stop function of a background service that is switched off."""


__all__ = [
    "AfterStepFn",
    "Call",
    "EventFn",
    "InterceptFn",
    "PersonFactFn",
    "ScreenFn",
    "ServiceFn",
    "Services",
    "StepContext",
    "StopFn",
    "Transport",
    "nothing_to_stop",
]
