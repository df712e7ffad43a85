"""Registers the handoff's actions, hooks (relay intercept, asking in words, the tick
service) and CLI subcommands. Imported at start-up with every `bot/<package>/wiring.py`."""

from __future__ import annotations

from bot.handoff import actions as _actions  # noqa: F401 - registers actions
from bot.handoff import coach_left as _coach_left  # noqa: F401 - registers the nudge kind
from bot.handoff import relay as _relay  # noqa: F401 - registers the intercept and screen
from bot.handoff import ticks as _ticks  # noqa: F401 - registers the tick service
from bot.handoff.cli import add_subcommands

__all__ = ["add_subcommands"]
