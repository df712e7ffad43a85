"""What the coaching package adds to the bot: the plan's actions (flows/plan.yaml)."""

from __future__ import annotations

from bot.coaching import plan_actions as plan
from bot.coaching.plan_links import plan_link
from bot.registry import Registry


def register(registry: Registry) -> None:
    """The change plan's actions."""
    registry.action("plan.open", plan.open_plan)
    registry.action("plan.begin_build", plan.begin_build)
    registry.action("plan.keep_step", plan.keep_step)
    registry.action("plan.keep_item", plan.keep_item)
    registry.action("plan.more", plan.more)
    registry.action("plan.save_all", plan.save_all)
    registry.action("plan.begin_edit", plan.begin_edit)
    registry.action("plan.list_mode", plan.list_mode)
    registry.action("plan.save_part", plan.save_part)
    registry.action("plan.show", plan.show)
    registry.action("plan.history", plan.history)
    registry.action("plan.export", plan.export)
    registry.action("plan.link", plan_link)
