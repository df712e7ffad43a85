"""The referral directory as template context: plain dicts that templates render.

No sentences here, only data chosen for the person's country, pathway and situation.
Which crisis lines a crisis response shows:

* the general lines (no `for`, or `for: suicide`: the national crisis lines), in file order;
* for an overdose, a withdrawal or a medical emergency, the poisons line too;
* lines for a particular group (veterans, young people, Indigenous peoples) as a short list.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from bot.engine.render import code_template
from bot.referrals.load import available_countries, load_directory, normalize_country
from bot.referrals.model import PATHWAYS, CountryDirectory, Referral, ReferralDataError

log = logging.getLogger(__name__)

# The partial that renders one way to reach a service; included by the safety templates.
CONTACT_PARTIAL = code_template("safety/contact")

GENERAL_FOR = (None, "suicide")
POISONS_FOR = "poisoning"
POISONS_CATEGORIES = frozenset({"overdose", "withdrawal", "medical"})
CLINICIAN_CATEGORIES = ("treatment", "health_care")
MAX_CLINICIAN_ENTRIES = 2


def entry_view(entry: Referral) -> dict[str, Any]:
    """One referral as a template mapping (name, offers, contact details, hours, cost)."""
    contact = entry.contact
    return {
        "id": entry.id,
        "name": entry.name,
        "offers": entry.offers,
        "for": entry.for_,
        "phone": contact.phone,
        "phone_option": contact.phone_option,
        "tty": contact.tty,
        "text_number": contact.text_number,
        "text_keyword": contact.text_keyword,
        "website": contact.website,
        "chat": contact.chat,
        "email": contact.email,
        "hours": entry.hours,
        "cost": entry.cost,
        "region": entry.region,
        "languages": list(entry.languages),
    }


def directory_for(country: str | None, default_country: str) -> CountryDirectory | None:
    """The person's country's directory (the default country's when theirs has none).

    None only when the data cannot be loaded at all (logged): the templates then still give
    the words "your local emergency number" rather than a number nobody checked.
    """
    try:
        return load_directory(country or default_country, default=default_country)
    except ReferralDataError:
        log.error("the referral directory could not be loaded")
        return None


def has_checked_data(country: str | None) -> bool:
    """Whether `country` has a referral file of its own (sourced numbers and services)."""
    return bool(country) and normalize_country(country or "") in available_countries()


def crisis_directory(country: str | None, default_country: str) -> CountryDirectory | None:
    """The directory whose numbers a person in crisis is given: their own country's; the
    default country's (named as such) while we don't know theirs; none when their country is
    known and we have no checked numbers for it (911 told to someone in Ireland is worse than
    "your local emergency number")."""
    if country and not has_checked_data(country):
        return None
    return directory_for(country, default_country)


@functools.lru_cache(maxsize=64)
def own_emergency_number(country: str | None) -> str | None:
    """The emergency number of the person's own country, only if we have its file.

    Before a person has told us their country we don't guess one (911 is no use in the UK).
    """
    if not country or not has_checked_data(country):
        return None
    directory = directory_for(country, normalize_country(country))
    return directory.emergency_number if directory else None


def crisis_facts(
    directory: CountryDirectory | None, category: str, pathway: str | None
) -> dict[str, Any]:
    """Facts for a crisis response: the emergency number and the lines to show."""
    if directory is None:
        return {"emergency_number": None, "lines": [], "group_lines": [],
                "country_name": None, "country": None}
    lines: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for entry in directory.crisis_lines():
        if not _serves(entry, pathway):
            continue
        if entry.for_ in GENERAL_FOR:
            lines.append(entry_view(entry))
        elif entry.for_ == POISONS_FOR:
            if category in POISONS_CATEGORIES:
                lines.append(entry_view(entry))
        else:
            groups.append(entry_view(entry))
    return {
        "emergency_number": directory.emergency_number,
        "lines": lines,
        "group_lines": groups,
        "country_name": directory.name,
        "country": directory.country,
    }


def notice_lines(country: str | None, default_country: str) -> dict[str, Any]:
    """The crisis lines and emergency number for a notice sent outside a crisis (nobody has
    been free to take a coach chat, a coach had to leave), as template context."""
    facts = crisis_facts(crisis_directory(country, default_country), "suicide", None)
    return {"lines": facts["lines"], "emergency": facts["emergency_number"],
            "country_name": facts["country_name"]}


def clinician_facts(directory: CountryDirectory | None, pathway: str | None) -> dict[str, Any]:
    """Facts for a clinical boundary: where to find a doctor or clinician in the country."""
    if directory is None:
        return {"clinicians": [], "emergency_number": None, "country_name": None}
    found: list[dict[str, Any]] = []
    for category in CLINICIAN_CATEGORIES:
        for entry in directory.by_category(category, _pathway(pathway)):
            if len(found) < MAX_CLINICIAN_ENTRIES:
                found.append(entry_view(entry))
    return {"clinicians": found, "emergency_number": directory.emergency_number,
            "country_name": directory.name}


def categories_for(directory: CountryDirectory | None, pathway: str | None) -> list[str]:
    """Categories with at least one entry for this pathway, in directory order."""
    if directory is None:
        return []
    return [c for c in directory.categories() if directory.by_category(c, _pathway(pathway))]


def category_entries(
    directory: CountryDirectory | None, category: str, pathway: str | None
) -> list[dict[str, Any]]:
    """The entries of one category for this pathway, as template mappings."""
    if directory is None:
        return []
    return [entry_view(e) for e in directory.by_category(category, _pathway(pathway))]


def _pathway(pathway: str | None) -> str | None:
    return pathway if pathway in PATHWAYS else None


def _serves(entry: Referral, pathway: str | None) -> bool:
    known = _pathway(pathway)
    return known is None or entry.serves(known)
