"""Extension points of the conversation pipeline, filled by domain packages at import.

* screens: run on every inbound text before anything else (the safety net); the first one
  that returns an `Interrupt` wins. They run in order of `priority` (lower first), then of
  registration: the crisis screen registers with `SAFETY_FIRST` so it runs before every
  other screen whatever order the packages are imported in.
* intercepts: run after commands, before flows (e.g. a live coach relay).
* after_step: run after every step in the same transaction (e.g. bookkeeping).
* person_facts: yes/no facts read in the same query as the person at the start of every
  step, so a hook can skip its own query when the answer is no (`deps.facts[name]`).
* events: `hooks.on("plan.saved")` subscribers, told by `await hooks.emit(...)`.
* services: started when a channel is ready to send (e.g. the nudge dispatcher); each
  returns a function that stops it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.engine.actions import Say
from bot.engine.messages import Inbound
from bot.engine.runtime import Interrupt
from bot.engine.state import ConversationState

if TYPE_CHECKING:
    from bot.app import Deps, RecoveryBot, Transport

ScreenFn = Callable[[Inbound, "Deps"], Awaitable[Interrupt | None]]
InterceptFn = Callable[[Inbound, ConversationState, "Deps"], Awaitable[list[Say] | None]]
AfterStepFn = Callable[[Inbound, ConversationState, "Deps"], Awaitable[None]]
EventFn = Callable[["Deps"], Awaitable[None]]
StopFn = Callable[[], Awaitable[None]]
ServiceFn = Callable[["RecoveryBot", "Transport"], Awaitable[StopFn]]
PersonFactFn = Callable[[Any], Any]  # the person's id column -> an SQL boolean expression

SAFETY_FIRST = 0
"""Screen priority of the crisis screen: nothing may run before it."""
DEFAULT_PRIORITY = 100
"""Screen priority when none is given."""


@dataclass
class Hooks:
    """The registered extension functions, in registration order."""

    screens: list[ScreenFn] = field(default_factory=list)
    intercepts: list[InterceptFn] = field(default_factory=list)
    after_step: list[AfterStepFn] = field(default_factory=list)
    services: list[ServiceFn] = field(default_factory=list)
    events: dict[str, list[EventFn]] = field(default_factory=dict)
    person_facts: dict[str, PersonFactFn] = field(default_factory=dict)
    _screen_priority: dict[ScreenFn, int] = field(default_factory=dict)

    def screen(
        self, fn: ScreenFn | None = None, *, priority: int = DEFAULT_PRIORITY
    ) -> Any:
        """Decorator: add a screen, as `@hooks.screen` or `@hooks.screen(priority=...)`.

        Lower priorities run first; equal ones in registration order. Only the crisis
        screen should use `SAFETY_FIRST`.
        """

        def add(screen: ScreenFn) -> ScreenFn:
            if screen not in self._screen_priority:
                self._screen_priority[screen] = priority
                self.screens.append(screen)
                # sort() is stable: equal priorities keep their registration order.
                self.screens.sort(key=self._screen_priority.__getitem__)
            return screen

        return add(fn) if fn is not None else add

    def intercept(self, fn: InterceptFn) -> InterceptFn:
        """Decorator: add an intercept."""
        self.intercepts.append(fn)
        return fn

    def after(self, fn: AfterStepFn) -> AfterStepFn:
        """Decorator: add an after-step function."""
        self.after_step.append(fn)
        return fn

    def service(self, fn: ServiceFn) -> ServiceFn:
        """Decorator: add a background service started with the channel."""
        self.services.append(fn)
        return fn

    def person_fact(self, name: str) -> Callable[[PersonFactFn], PersonFactFn]:
        """Decorator: a yes/no fact about the person, loaded with them at every step.

        The function gets the person's id column and returns an SQL boolean (such as an
        `exists()`); hooks read the answer as `deps.facts[name]`, true or false as of the
        start of the step, at no extra query.
        """

        def register(fn: PersonFactFn) -> PersonFactFn:
            self.person_facts[name] = fn
            return fn

        return register

    def on(self, event: str) -> Callable[[EventFn], EventFn]:
        """Decorator: run the function, in the same transaction, when `event` is emitted
        (e.g. "plan.saved"), so one domain reacts to another without importing it."""

        def register(fn: EventFn) -> EventFn:
            self.events.setdefault(event, []).append(fn)
            return fn

        return register

    async def emit(self, event: str, deps: Deps) -> None:
        """Tell every subscriber of `event`."""
        for fn in self.events.get(event, []):
            await fn(deps)


hooks = Hooks()
"""The hooks the running bot uses."""

__all__ = ["DEFAULT_PRIORITY", "SAFETY_FIRST", "Hooks", "hooks"]
