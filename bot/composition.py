"""The composition: which domain packages make up the bot, in which order.

This is the one place to read to know what the bot is made of. Each package's `wiring.py`
has a `register(registry)` that lists, by name, every action, screen, intercept, after-step
function, event subscriber, person fact, background service, nudge kind and command it
adds; nothing is registered by importing a module. `recovery-bot wiring` prints the result.

Order matters where several packages add the same kind of thing: screens run by priority
(the crisis screen first), then in this order; intercepts and after-step functions run in
this order.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import profile
from bot.channels import templates as _channel_templates  # noqa: F401 - declares their keys
from bot.checkins import wiring as checkins
from bot.coaching import wiring as coaching
from bot.handoff import wiring as handoff
from bot.privacy import wiring as privacy
from bot.registry import Registry
from bot.safety import wiring as safety
from bot.scheduling import wiring as scheduling

DOMAINS: tuple[tuple[str, Callable[[Registry], None]], ...] = (
    ("safety", safety.register),  # the crisis and clinical screens, crisis actions
    ("profile", profile.register),  # onboarding and /settings
    ("handoff", handoff.register),  # human coaches: relay, queue, roles
    ("coaching", coaching.register),  # the change plan
    ("checkins", checkins.register),  # daily check-ins, progress, plan-step reminders
    ("privacy", privacy.register),  # /privacy, /export, /delete, retention
    ("scheduling", scheduling.register),  # the nudge dispatcher (sends every kind above)
)


def compose() -> Registry:
    """A registry holding everything every domain package adds, in `DOMAINS` order."""
    registry = Registry()
    for _name, register in DOMAINS:
        register(registry)
    return registry
