"""Registers the safety package: the crisis screen (first of all screens), the clinical
screen, the crisis follow-up nudge kind, the /resources actions, and the CLI subcommand
`recovery-bot resources check`. Imported at start-up with every `bot/<package>/wiring.py`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.safety import clinical as _clinical  # noqa: F401 - registers the clinical screen
from bot.safety import crisis as _crisis  # noqa: F401 - registers the crisis screen
from bot.safety import followup as _followup  # noqa: F401 - registers the follow-up kind
from bot.safety import resources as _resources  # noqa: F401 - registers /resources actions
from bot.safety.referrals import validate_referral_files
from bot.safety.validate import validate_safety_data

__all__ = ["add_subcommands", "check_resources"]


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


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`recovery-bot resources check`."""
    parser = subparsers.add_parser("resources", help="the referral directory and safety data")
    actions = parser.add_subparsers(dest="resources_command", required=True)
    check = actions.add_parser("check", help="validate every referral file and the safety data")
    check.set_defaults(handler=_run_check)
