"""What the safety package adds to the bot: the crisis screen (first of all screens), the
clinical screen, the crisis and /resources actions, the crisis follow-up nudge, and
`recovery-bot resources check`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.referrals import validate_referral_files
from bot.registry import SAFETY_FIRST, Registry
from bot.safety import clinical, crisis, resources
from bot.safety.followup import FOLLOWUP_NUDGE
from bot.safety.validate import validate_safety_data

__all__ = ["add_subcommands", "check_resources", "register"]


def register(registry: Registry) -> None:
    """The screens, actions, nudge kind and command of the safety package."""
    registry.screen(crisis.screen_for_crisis, priority=SAFETY_FIRST)
    registry.screen(clinical.screen_for_clinical, priority=clinical.CLINICAL_PRIORITY)
    registry.action("safety.check_answer", crisis.answer_check)
    registry.action("safety.crisis_open", crisis.open_crisis)
    registry.action("safety.urgent_coach", crisis.ask_for_coach_now)
    registry.action("safety.clinical_open", clinical.open_clinical)
    registry.action("safety.resources_open", resources.open_resources)
    registry.action("safety.resources_show", resources.show_category)
    registry.nudge_kind(FOLLOWUP_NUDGE)
    registry.commands(add_subcommands)


def check_resources() -> list[str]:
    """Every problem in the referral files and the safety screening data (empty: all good)."""
    return [*validate_referral_files(), *validate_safety_data()]


def _run_check(args: argparse.Namespace, settings: Any) -> int:
    problems = check_resources()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the referral or safety data.", file=sys.stderr)
        return 1
    print("Referral directory and safety data: OK.")
    return 0


def add_subcommands(subparsers: Any) -> None:
    """`recovery-bot resources check`."""
    parser = subparsers.add_parser("resources", help="the referral directory and safety data")
    actions = parser.add_subparsers(dest="resources_command", required=True)
    check = actions.add_parser("check", help="validate every referral file and the safety data")
    check.set_defaults(handler=_run_check)
