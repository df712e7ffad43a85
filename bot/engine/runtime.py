"""The dialogue engine: `step(conversation, inbound) -> outbound messages`.

Order of work for every inbound message (see `run.Run`):

1. the safety screen (always first, in every state; it may interrupt with a flow);
2. global commands (/help, /cancel, /plan, ...);
3. an intercept the caller may install (a live coach relay);
4. the current flow's state: read the answer, understand it (`listen`), then keep it,
   reflect it and move on, or do what the flow says that kind of answer gets.

The engine holds no per-person memory and imports no channel or storage code: the caller
passes a `StepSession` that reads and writes the person's profile and runs actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.actions import ActionRegistry, Say
from bot.engine.commands import CommandSpec
from bot.engine.flows import FlowSet
from bot.engine.inputs import vocabulary
from bot.engine.listening import Listening
from bot.engine.messages import Inbound, Outbound, cleaned
from bot.engine.parts import EngineParts, Understand
from bot.engine.render import Renderer
from bot.engine.run import RUNNING_FACT, Run
from bot.engine.session import Interrupt, StepSession, button_data
from bot.engine.state import ConversationState

__all__ = ["RUNNING_FACT", "Engine", "Interrupt", "StepSession", "button_data"]


class Engine:
    """Runs flows for one locale. Stateless: every call gets the conversation to work on."""

    def __init__(
        self,
        flows: FlowSet,
        renderer: Renderer,
        registry: ActionRegistry,
        commands: list[CommandSpec],
        locale: str = "en",
        *,
        listening: Listening | None = None,
        understand: Understand | None = None,
        before_consent: frozenset[str] = frozenset(),
    ) -> None:
        by_name = {spec.name: spec for spec in commands}
        for flow in flows.flows.values():
            if flow.command:
                by_name[flow.command] = CommandSpec(
                    name=flow.command, menu=flow.menu, flow=flow.name, order=flow.order
                )
        self.locale = locale
        self.commands = by_name
        menu = [
            {"name": name, "description": renderer.render(key, {})}
            for name, key in _menu_entries(by_name)
        ]
        self.parts = EngineParts(
            flows=flows, renderer=renderer, registry=registry, commands=by_name,
            words=vocabulary(locale), menu_context=menu,
            listening=listening or Listening(), understand=understand,
            before_consent=before_consent,
        )

    @property
    def flows(self) -> FlowSet:
        return self.parts.flows

    @property
    def renderer(self) -> Renderer:
        return self.parts.renderer

    @property
    def words(self) -> Any:
        return self.parts.words

    def menu_entries(self) -> list[tuple[str, str]]:
        """(command, description template key) for the channel's command menu."""
        return _menu_entries(self.commands)

    # ------------------------------------------------------------------ entry points

    async def step(
        self, conv: ConversationState, inbound: Inbound, session: StepSession
    ) -> list[Outbound]:
        """Handle one inbound message; mutate `conv`; return the messages to send."""
        run = Run(self.parts, conv, session)
        await run.handle(cleaned(inbound))
        await run.say_all(session.take_outbox())
        return run.out

    async def render_says(
        self, conv: ConversationState, session: StepSession, says: list[Say]
    ) -> list[Outbound]:
        """Messages queued outside `step` (by after-step functions), rendered for sending."""
        run = Run(self.parts, conv, session)
        await run.say_all(says)
        return run.out

    async def start_flow(
        self, conv: ConversationState, flow: str, session: StepSession, facts: Mapping[str, Any]
    ) -> list[Outbound]:
        """Start `flow` on top of the conversation (e.g. a scheduled check-in)."""
        run = Run(self.parts, conv, session)
        await run.push_flow(flow, dict(facts))
        await run.say_all(session.take_outbox())
        return run.out


def _menu_entries(commands: Mapping[str, CommandSpec]) -> list[tuple[str, str]]:
    listed = [spec for spec in commands.values() if spec.order is not None and spec.menu]
    listed.sort(key=lambda spec: (spec.order, spec.name))
    return [(spec.name, spec.menu) for spec in listed if spec.menu]
