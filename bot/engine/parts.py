"""What an engine is made of, for one locale: flows, templates, actions, commands, words,
and how typed messages are understood and answered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.actions import ActionRegistry
from bot.engine.commands import CommandSpec
from bot.engine.flows import FlowSet
from bot.engine.inputs import Vocabulary
from bot.engine.listening import Listening
from bot.engine.render import Renderer

Understand = Callable[[str], Mapping[str, Any]]
"""Text -> what kind of thing it says (`kind`, plus what templates may use: facet, gist...)."""


@dataclass(frozen=True)
class EngineParts:
    """Everything a step needs that is the same for every person of one locale."""

    flows: FlowSet
    renderer: Renderer
    registry: ActionRegistry
    commands: Mapping[str, CommandSpec]
    words: Vocabulary
    menu_context: list[dict[str, str]] = field(default_factory=list)
    listening: Listening = field(default_factory=Listening)
    understand: Understand | None = None
    # Commands that work before the person has agreed to what the bot keeps (/start, /help,
    # /privacy, /delete...); every other command asks for that agreement first.
    before_consent: frozenset[str] = frozenset()
