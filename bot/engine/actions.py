"""Domain actions that flows call by name (`action:`, `enter:`, `on_complete:`, commands).

The engine knows only names; the composition (bot/composition.py) registers the functions
each domain package lists::

    registry.action("profile.finish_onboarding", finish_onboarding)

`call.deps` is whatever the caller of the engine supplies (for the bot: `bot.ports.StepContext`);
the engine passes it through untouched, so `ActionCall` is generic in it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.engine.messages import Attachment


@dataclass(frozen=True)
class Say:
    """A message an action asks the engine to render and send."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    attachment: Attachment | None = None
    to: str | None = None  # another person's user_key (coach alerts, relays)
    buttons: tuple[tuple[str, str], ...] = ()  # (label template key, button data)


DepsT = TypeVar("DepsT")


@dataclass
class ActionCall(Generic[DepsT]):
    """What an action is told: where the person is and what they answered."""

    deps: DepsT
    flow: str | None
    state: str | None
    answers: dict[str, Any]
    facts: dict[str, Any]
    value: Any = None
    args: str = ""


@dataclass
class ActionResult:
    """What an action gives back: facts for templates, messages, an optional jump."""

    facts: dict[str, Any] = field(default_factory=dict)
    say: list[Say] = field(default_factory=list)
    goto: str | None = None  # a state of the current flow, `end`, or `flow:<name>`
    reprompt: bool = True  # for commands: ask the current question again afterwards


ActionFn = Callable[[ActionCall[Any]], Awaitable[ActionResult | None]]


class ActionRegistry:
    """Name -> action function."""

    def __init__(self) -> None:
        self._actions: dict[str, ActionFn] = {}

    def add(self, name: str, fn: ActionFn) -> None:
        """Register `fn` under `name` (a name is registered once)."""
        if name in self._actions and self._actions[name] is not fn:
            raise ValueError(f"action '{name}' is registered twice")
        self._actions[name] = fn

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self._actions)

    def has(self, name: str) -> bool:
        """Whether an action called `name` exists."""
        return name in self._actions

    async def run(self, name: str, call: ActionCall[Any]) -> ActionResult:
        """Run action `name`; a None result means nothing to add."""
        result = await self._actions[name](call)
        return result or ActionResult()
