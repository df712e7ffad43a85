"""What the privacy package adds to the bot: /privacy, /export and /delete, and retention."""

from __future__ import annotations

from bot.privacy import actions
from bot.privacy import unreadable as _unreadable  # noqa: F401 - the core says its templates
from bot.privacy.retention import start_retention
from bot.registry import Registry


def register(registry: Registry) -> None:
    """The privacy actions and the retention pass."""
    registry.action("privacy.explain", actions.explain)
    registry.action("privacy.export", actions.export)
    registry.action("privacy.forget", actions.forget)
    registry.service(start_retention)
