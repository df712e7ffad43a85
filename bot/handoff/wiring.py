"""What the handoff package adds to the bot: coach actions, asking for a person in words,
the live relay, who-is-speaking facts, the coach-queue tick, the coach-left notice and the
`recovery-bot coach` / `handoffs` commands."""

from __future__ import annotations

from bot.handoff import actions, roles
from bot.handoff.cli import add_subcommands
from bot.handoff.coach_left import COACH_LEFT_NUDGE
from bot.handoff.relay import ask_for_a_person, handoff_intercept
from bot.handoff.ticks import start_handoff_ticks
from bot.registry import Registry


def register(registry: Registry) -> None:
    """Everything the handoff needs from the core."""
    registry.action("handoff.open", actions.open_for_person)
    registry.action("handoff.share", actions.record_share_choice)
    registry.action("handoff.queue", actions.queue_for_coaches)
    registry.action("handoff.accept_offer", actions.accept_offer)
    registry.action("handoff.end", actions.end_chat)
    registry.action("handoff.duty", actions.set_duty)
    registry.action("handoff.show_queue", actions.show_queue)
    registry.action("handoff.check_invite", actions.check_invite)
    registry.action("handoff.join", actions.join_with_name)
    registry.screen(ask_for_a_person)
    registry.intercept(handoff_intercept)
    for name, fact in roles.FACTS.items():
        registry.person_fact(name, fact)
    registry.service(start_handoff_ticks)
    registry.nudge_kind(COACH_LEFT_NUDGE)
    registry.commands(add_subcommands)
