"""What the domain packages add to the bot, collected in one place by `bot.composition`.

Each domain package has one function, `register(registry)`, that lists what it adds; the
composition calls them in a fixed order. Nothing registers itself when imported. What can
be added:

* actions: named functions flows call (`action:`, `enter:`, `on_complete:`, commands);
* screens: run on every inbound text before anything else (the safety net); the first one
  that returns an `Interrupt` wins. They run in order of `priority` (lower first), then of
  registration: the crisis screen registers with `SAFETY_FIRST`, so it runs before every
  other screen whatever order the packages are listed in;
* intercepts: run after commands, before flows (a live coach relay);
* after-step functions: run after every step in the same transaction (bookkeeping);
* person facts: yes/no facts read in the same query as the person at the start of every
  step, so a hook can skip its own query when the answer is no (`ctx.facts[name]`);
* events: subscribers told by `await ctx.emit("plan.saved")`, so one domain reacts to
  another without importing it;
* services: started when a channel is ready to send (the nudge dispatcher); each returns
  a function that stops it;
* nudge kinds: what each kind of scheduled message sends and when it comes next;
* commands: `recovery-bot` subcommands (`add_subcommands(subparsers)` functions).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.engine.actions import ActionFn, ActionRegistry
from bot.ports import (
    AfterStepFn,
    EventFn,
    InterceptFn,
    PersonFactFn,
    ScreenFn,
    ServiceFn,
    StepContext,
)
from bot.scheduling.kinds import NudgeKind, NudgeKinds

SAFETY_FIRST = 0
"""Screen priority of the crisis screen: nothing may run before it."""
DEFAULT_PRIORITY = 100
"""Screen priority when none is given."""

SubcommandsFn = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


@dataclass
class Registry:
    """Everything the domain packages registered, in registration order."""

    actions: ActionRegistry = field(default_factory=ActionRegistry)
    nudge_kinds: NudgeKinds = field(default_factory=NudgeKinds)
    screens: list[ScreenFn] = field(default_factory=list)
    intercepts: list[InterceptFn] = field(default_factory=list)
    after_step: list[AfterStepFn] = field(default_factory=list)
    services: list[ServiceFn] = field(default_factory=list)
    events: dict[str, list[EventFn]] = field(default_factory=dict)
    person_facts: dict[str, PersonFactFn] = field(default_factory=dict)
    subcommands: list[SubcommandsFn] = field(default_factory=list)
    _screen_priority: dict[ScreenFn, int] = field(default_factory=dict)

    def action(self, name: str, fn: ActionFn) -> None:
        """A flow action called `name`."""
        self.actions.add(name, fn)

    def screen(self, fn: ScreenFn, *, priority: int = DEFAULT_PRIORITY) -> None:
        """A screen; lower priorities run first, equal ones in registration order.

        Only the crisis screen should use `SAFETY_FIRST`.
        """
        if fn in self._screen_priority:
            return
        self._screen_priority[fn] = priority
        self.screens.append(fn)
        self.screens.sort(key=self._screen_priority.__getitem__)  # stable

    def intercept(self, fn: InterceptFn) -> None:
        """An intercept (runs after commands, before flows)."""
        self.intercepts.append(fn)

    def after(self, fn: AfterStepFn) -> None:
        """A function run after every step, in its transaction."""
        self.after_step.append(fn)

    def service(self, fn: ServiceFn) -> None:
        """A background service started with the channel."""
        self.services.append(fn)

    def person_fact(self, name: str, fn: PersonFactFn) -> None:
        """A yes/no fact about the person, loaded with them at every step (`ctx.facts[name]`).

        `fn` gets the person's id column and returns an SQL boolean (such as an `exists()`).
        """
        self.person_facts[name] = fn

    def on(self, event: str, fn: EventFn) -> None:
        """Run `fn`, in the same transaction, whenever `event` is emitted."""
        self.events.setdefault(event, []).append(fn)

    async def emit(self, event: str, ctx: StepContext) -> None:
        """Tell every subscriber of `event`."""
        for fn in self.events.get(event, []):
            await fn(ctx)

    def nudge_kind(self, kind: NudgeKind) -> None:
        """A kind of scheduled message."""
        self.nudge_kinds.register(kind)

    def commands(self, fn: SubcommandsFn) -> None:
        """A function adding `recovery-bot` subcommands."""
        self.subcommands.append(fn)

    def describe(self) -> dict[str, list[str]]:
        """Names of everything registered (for `recovery-bot wiring` and newcomers)."""
        return {
            "actions": self.actions.names(),
            "screens": [_name(fn) for fn in self.screens],
            "intercepts": [_name(fn) for fn in self.intercepts],
            "after_step": [_name(fn) for fn in self.after_step],
            "person_facts": sorted(self.person_facts),
            "events": [f"{event}: {_name(fn)}" for event, fns in self.events.items()
                       for fn in fns],
            "services": [_name(fn) for fn in self.services],
            "nudge_kinds": self.nudge_kinds.names(),
            "commands": [_name(fn) for fn in self.subcommands],
        }


def _name(fn: object) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


__all__ = ["DEFAULT_PRIORITY", "SAFETY_FIRST", "Registry"]
