"""Safety screening: crisis, clinical requests, and the output language guard.

Every inbound message passes `crisis_screen` before any flow sees it; `clinical_screen` spots
requests for a diagnosis, a dose or medical advice; `language_violations` checks text the bot is
about to send. The rules are data in `resources/safety/`; `validate_safety_data` checks them.
"""

from bot.safety._compile import SafetyDataError
from bot.safety.screen import (
    CRISIS_CATEGORIES,
    ClinicalRequest,
    CrisisSignal,
    clinical_screen,
    crisis_screen,
    language_violations,
)
from bot.safety.validate import validate_safety_data

__all__ = [
    "CRISIS_CATEGORIES",
    "ClinicalRequest",
    "CrisisSignal",
    "SafetyDataError",
    "clinical_screen",
    "crisis_screen",
    "language_violations",
    "validate_safety_data",
]
