"""/resources: the referral directory by kind, for the person's country and pathway."""

from __future__ import annotations

from bot.engine.actions import ActionResult
from bot.ports import Call
from bot.referrals import categories_for, category_entries, directory_for, has_checked_data


async def open_resources(call: Call) -> ActionResult:
    """The kinds of help listed for the person (only those with entries for them)."""
    deps = call.deps
    country = deps.person.country
    directory = directory_for(country, deps.settings.default_country)
    own = has_checked_data(country)
    uncovered = country if country and not own else None
    return ActionResult(facts={
        "categories": categories_for(directory, deps.person.pathway),
        "country_name": directory.name if directory else None,
        # Never another country's emergency number for someone whose country we know.
        "emergency_number": directory.emergency_number if directory and not uncovered else None,
        "own_country": own,
        "uncovered_country": uncovered,
    })


async def show_category(call: Call) -> ActionResult:
    """The entries of the chosen kind, as facts for `safety/resources_list`."""
    deps = call.deps
    directory = directory_for(deps.person.country, deps.settings.default_country)
    category = str(call.value)
    return ActionResult(facts={
        "category": category,
        "entries": category_entries(directory, category, deps.person.pathway),
    })
