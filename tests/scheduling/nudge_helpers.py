"""Helpers for schedule tests: a collecting transport and ways to look at nudge rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bot.app import RecoveryBot
from bot.engine.messages import Outbound
from bot.scheduling.dispatcher import DispatchStats, dispatch_due
from bot.scheduling.models import Nudge
from bot.storage.models import Person as PersonRow
from tests.helpers import Person


@dataclass
class CollectingTransport:
    """A channel that keeps what it is asked to send (like the console, without printing).

    `blocked` people make `send_to` return False, as a Telegram person who blocked the bot
    does (and, like the Telegram channel, the transport marks them unreachable with `core`);
    `failures` makes the next sends raise, as a Telegram outage would.
    """

    sent: list[tuple[str, Outbound]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    failures: int = 0
    core: RecoveryBot | None = None

    async def send_to(self, user_key: str, reply: Outbound) -> bool:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the channel is down")
        if user_key in self.blocked:
            if self.core is not None:
                await self.core.mark_unreachable(user_key)
            return False
        self.sent.append((user_key, reply))
        return True

    def to(self, user_key: str) -> list[Outbound]:
        """What was sent to one person."""
        return [reply for key, reply in self.sent if key == user_key]

    def clear(self) -> None:
        self.sent.clear()


def receive(person: Person, messages: list[Outbound]) -> None:
    """Lets a test `Person` answer messages that arrived through a transport."""
    person.last = messages
    for reply in messages:
        if reply.buttons:
            person.buttons = {button.label: button.data for button in reply.buttons}


async def nudges_of(core: RecoveryBot, user_key: str) -> dict[str, Nudge]:
    """The person's nudge rows by kind."""
    async with core.db.session() as session:
        rows = await session.execute(
            select(Nudge).join(PersonRow, PersonRow.id == Nudge.person_id)
            .where(PersonRow.user_key == user_key)
        )
        return {row.kind: row for row in rows.scalars()}


async def due_at(core: RecoveryBot, user_key: str, kind: str = "checkin") -> datetime | None:
    """When the person's nudge of `kind` is next due (None if there is none)."""
    row = (await nudges_of(core, user_key)).get(kind)
    return None if row is None else row.due_at


async def send_due(core: RecoveryBot, transport: CollectingTransport | object,
                   now: datetime) -> DispatchStats:
    """Sends every nudge due at `now` through `transport` (as the dispatcher service does)."""
    return await dispatch_due(core, transport, now, core.registry.nudge_kinds)  # type: ignore[arg-type]
