"""The referral directory's data: countries, their emergency numbers and services.

Read-only, validated objects (see `load.load_directory`); no sentences: templates render them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot import yamlio
from bot.errors import ConfigurationError

CATEGORIES = (
    "crisis",
    "harm_reduction",
    "detox",
    "treatment",
    "family_support",
    "education",
    "support_groups",
    "benefits",
    "health_care",
)
PATHWAYS = ("stopping", "cutting_down", "safer_use", "not_sure")
ALL_PATHWAYS = "all"

# Codes people commonly use that are not the ISO code of the file.
COUNTRY_ALIASES = {"UK": "GB"}


class ReferralDataError(ConfigurationError):
    """A referral file is missing or invalid; ``problems`` lists what to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Contact:
    """How to reach a service. Every field is optional; at least one is set."""

    phone: str | None = None
    text_number: str | None = None
    text_keyword: str | None = None
    website: str | None = None
    email: str | None = None
    chat: str | None = None
    phone_option: str | None = None  # key to press after dialling (988, then 1)
    tty: str | None = None


@dataclass(frozen=True)
class Referral:
    id: str
    name: str
    category: str
    offers: str
    contact: Contact
    hours: str | None
    cost: str | None
    pathways: frozenset[str]
    crisis: bool
    for_: str | None
    languages: tuple[str, ...]
    source: str  # the first source; ``sources`` has them all
    checked: date
    sources: tuple[str, ...] = ()
    region: str | None = None

    def serves(self, pathway: str) -> bool:
        """True when the entry is for this pathway (or for every pathway)."""
        return ALL_PATHWAYS in self.pathways or pathway in self.pathways


@dataclass(frozen=True)
class CountryDirectory:
    country: str
    name: str
    emergency_number: str | None
    entries: tuple[Referral, ...]
    emergency_source: str | None = None
    emergency_checked: date | None = None

    def crisis_lines(self) -> list[Referral]:
        """Crisis lines, in file order (the order they should be offered)."""
        return [entry for entry in self.entries if entry.crisis]

    def by_category(self, category: str, pathway: str | None = None) -> list[Referral]:
        """Entries of one category; with ``pathway``, only those for it or for every pathway."""
        if category not in CATEGORIES:
            raise ValueError(f"unknown referral category {category!r}; known: {CATEGORIES}")
        if pathway is not None and pathway not in PATHWAYS:
            raise ValueError(f"unknown pathway {pathway!r}; known: {PATHWAYS}")
        return [
            entry
            for entry in self.entries
            if entry.category == category and (pathway is None or entry.serves(pathway))
        ]

    def categories(self) -> list[str]:
        """Categories that have at least one entry, in ``CATEGORIES`` order."""
        present = {entry.category for entry in self.entries}
        return [category for category in CATEGORIES if category in present]

    def get(self, entry_id: str) -> Referral | None:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None


def read_yaml(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yamlio.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        return None, [f"{path.name}: cannot read: {exc}"]
    if not isinstance(data, dict):
        return None, [f"{path.name}: top level must be a mapping"]
    return data, []


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
