"""The sourced referral directory: crisis lines, emergency numbers and services by country.

Data lives in ``resources/referrals/<cc>.yaml`` (one file a country, ISO 3166-1 alpha-2 code in
lower case). Every entry, and the emergency number, names the source it was read from and the
date it was checked: a wrong phone number is worse than none, so nothing here is guessed.

This package loads (`load`), validates (`validate`) and filters (`view`) the data. It holds no
user-facing sentences: the bot renders entries through templates in ``resources/templates``.

    load_directory("GB").crisis_lines()              -> [Samaritans, Shout, ...]
    crisis_facts(directory_for("AU", "US"), "overdose", "safer_use")   # template context
    validate_referral_files()                        -> [] when every file is sound
"""

from bot.referrals.load import (
    available_countries,
    clear_cache,
    iter_all,
    load_directory,
    normalize_country,
)
from bot.referrals.model import (
    ALL_PATHWAYS,
    CATEGORIES,
    PATHWAYS,
    Contact,
    CountryDirectory,
    Referral,
    ReferralDataError,
)
from bot.referrals.validate import validate_referral_files
from bot.referrals.view import (
    categories_for,
    category_entries,
    clinician_facts,
    crisis_directory,
    crisis_facts,
    directory_for,
    entry_view,
    has_checked_data,
    notice_lines,
    own_emergency_number,
)

__all__ = [
    "ALL_PATHWAYS",
    "CATEGORIES",
    "PATHWAYS",
    "Contact",
    "CountryDirectory",
    "Referral",
    "ReferralDataError",
    "available_countries",
    "categories_for",
    "category_entries",
    "clear_cache",
    "clinician_facts",
    "crisis_facts",
    "directory_for",
    "entry_view",
    "iter_all",
    "load_directory",
    "normalize_country",
    "crisis_directory",
    "has_checked_data",
    "notice_lines",
    "own_emergency_number",
    "validate_referral_files",
]
