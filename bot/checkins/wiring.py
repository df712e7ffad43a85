"""What the check-ins package adds to the bot.

Flows: `flows/checkin.yaml` (/checkin and the daily nudge), `checkin_time.yaml`,
`checkin_pause.yaml` (/pause), `checkin_quiet.yaml` (/quiet), `progress.yaml` (/progress);
/resume is in `flows/_commands.checkins.yaml`.
"""

from __future__ import annotations

from bot.checkins import actions
from bot.checkins.nudges import CHECKIN_NUDGE, WEEKLY_NUDGE
from bot.checkins.plan_steps import PLAN_STEP_NUDGE, follow_the_plan
from bot.coaching.plan_actions import PLAN_SAVED
from bot.registry import Registry


def register(registry: Registry) -> None:
    """Check-in actions, nudge kinds, and keeping nudges in step with the person and plan."""
    registry.action("checkins.begin", actions.begin)
    registry.action("checkins.weigh", actions.weigh)
    registry.action("checkins.record", actions.record)
    registry.action("checkins.snooze", actions.snooze)
    registry.action("checkins.read_pause_args", actions.read_pause_args)
    registry.action("checkins.pause", actions.pause)
    registry.action("checkins.resume", actions.resume)
    registry.action("checkins.set_quiet", actions.set_quiet)
    registry.action("progress.show", actions.show_progress)
    registry.action("progress.set_weekly", actions.set_weekly)
    registry.action("progress.record_milestone", actions.record_milestone)
    registry.after(actions.keep_nudges_in_step)
    registry.on(PLAN_SAVED, follow_the_plan)
    registry.nudge_kind(CHECKIN_NUDGE)
    registry.nudge_kind(WEEKLY_NUDGE)
    registry.nudge_kind(PLAN_STEP_NUDGE)
