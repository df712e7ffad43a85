"""What each kind of nudge sends and when it comes next.

The dispatcher knows nothing about check-ins or plans. A domain registers a `NudgeKind`
(in its `register(registry)`, see bot/composition.py)::

    registry.nudge_kind(NudgeKind(name="checkin", grace=timedelta(hours=3),
                                  compose=compose_checkin, next_due=next_checkin))

* ``compose(services, due, now)`` returns the messages to send, or None when there is nothing
  worth sending any more (the person already checked in today, check-ins are paused).
* ``next_due(session, due, after)`` returns the next occurrence after ``after`` (UTC), or
  None for a one-off nudge that is now done.
* ``abandon(services, due)`` (optional) undoes what ``compose`` did when the send failed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.messages import Outbound
from bot.ports import Services


@dataclass(frozen=True)
class DueNudge:
    """A claimed nudge row and who it is for, read once at claim time."""

    id: int
    person_id: int
    user_key: str
    person_active: bool
    kind: str
    ref: str
    due_at: datetime
    attempts: int


ComposeFn = Callable[[Services, DueNudge, datetime], Awaitable[list[Outbound] | None]]
NextDueFn = Callable[[AsyncSession, DueNudge, datetime], Awaitable[datetime | None]]
AbandonFn = Callable[[Services, DueNudge], Awaitable[None]]


@dataclass(frozen=True)
class NudgeKind:
    """How one kind of nudge behaves.

    Attributes:
        name: The value of `Nudge.kind`.
        grace: How late the nudge may still go out after downtime; later ones are skipped.
        compose: Builds the messages (may start a flow for the person).
        next_due: The next occurrence, or None for a one-off.
        abandon: Undoes what `compose` left behind when the messages did not go out (a
            check-in flow the person never saw must not take their next message as an answer).
    """

    name: str
    grace: timedelta
    compose: ComposeFn
    next_due: NextDueFn
    abandon: AbandonFn | None = None


async def one_off(session: AsyncSession, due: DueNudge, after: datetime) -> datetime | None:
    """`next_due` of a nudge that goes out once."""
    return None


class NudgeKinds:
    """Kind name -> behaviour."""

    def __init__(self) -> None:
        self._kinds: dict[str, NudgeKind] = {}

    def register(self, kind: NudgeKind) -> NudgeKind:
        """Adds a kind; registering a different one under the same name is a bug."""
        existing = self._kinds.get(kind.name)
        if existing is not None and existing != kind:
            raise ValueError(f"nudge kind '{kind.name}' is registered twice")
        self._kinds[kind.name] = kind
        return kind

    def get(self, name: str) -> NudgeKind | None:
        """The kind called `name`, if registered."""
        return self._kinds.get(name)

    def names(self) -> list[str]:
        """Every registered kind, sorted."""
        return sorted(self._kinds)
