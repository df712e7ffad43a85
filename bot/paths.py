"""Where the project's data folders live.

The bot reads its flows and resources from the project checkout (they are data, edited like
code). `RECOVERY_BOT_HOME` points elsewhere when the package runs from another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("RECOVERY_BOT_HOME", Path(__file__).resolve().parent.parent))
FLOWS_DIR = PROJECT_ROOT / "flows"
RESOURCES_DIR = PROJECT_ROOT / "resources"
TEMPLATES_DIR = RESOURCES_DIR / "templates"
SAFETY_DIR = RESOURCES_DIR / "safety"  # one folder a locale: safety/<locale>/
DEFAULT_LOCALE = "en"


def safety_dir(locale: str = DEFAULT_LOCALE) -> Path:
    """The safety data (screening lexicons, classifier) of `locale`."""
    return SAFETY_DIR / locale
REFERRALS_DIR = RESOURCES_DIR / "referrals"


UNDERSTANDING_DIR = RESOURCES_DIR / "understanding"  # one folder a locale


def understanding_dir(locale: str = DEFAULT_LOCALE) -> Path:
    """The understanding step's data (rules, examples, model) of `locale`."""
    return UNDERSTANDING_DIR / locale
