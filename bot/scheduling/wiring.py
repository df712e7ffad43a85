"""What the scheduling package adds to the bot: the nudge dispatcher service."""

from __future__ import annotations

from bot.registry import Registry
from bot.scheduling.service import nudge_dispatcher


def register(registry: Registry) -> None:
    """The background job that sends every due nudge of every registered kind."""
    registry.service(nudge_dispatcher(registry.nudge_kinds))
