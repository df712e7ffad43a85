"""What the engine needs from its caller for one step, and what a screen can ask of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.engine.actions import Say
from bot.engine.messages import Inbound
from bot.engine.state import ConversationState


@dataclass(frozen=True)
class Interrupt:
    """A flow that must run now, on top of whatever is going on (e.g. a crisis response)."""

    flow: str
    facts: Mapping[str, Any]


class StepSession(Protocol):
    """What the engine needs from its caller for one step, for one person."""

    deps: Any

    async def context(self) -> dict[str, Any]:
        """Base template context: at least `person` (a mapping of profile fields)."""

    async def save(self, target: str, value: Any) -> None:
        """Store an answer at `profile.<field>`."""

    async def screen(self, inbound: Inbound) -> Interrupt | None:
        """Safety screen of an inbound message."""

    async def intercept(self, inbound: Inbound, state: ConversationState) -> list[Say] | None:
        """Handle the message outside flows (e.g. relay to a coach), or None to carry on."""

    def take_outbox(self) -> list[Say]:
        """Messages for other people that domain code queued during the step (sent, like
        every reply, only after the step's transaction commits)."""

    def now(self) -> datetime:
        """The step's time."""

    def seed(self) -> int:
        """A number of the person's, stable across steps (which wording they hear first)."""


def button_data(seq: int, value: str) -> str:
    """Callback data for a button: the question's number and the option's value."""
    return f"{seq}:{value}"
