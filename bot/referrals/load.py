"""Loading the referral directory: one YAML file a country, validated, cached.

    load_directory("GB").crisis_lines()              -> [Samaritans, Shout, ...]
    load_directory("AU").by_category("support_groups", pathway="cutting_down")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.paths import REFERRALS_DIR
from bot.referrals.model import (
    COUNTRY_ALIASES,
    Contact,
    CountryDirectory,
    Referral,
    ReferralDataError,
    as_list,
    read_yaml,
)
from bot.referrals.validate import COUNTRY_RE, validate_data


def normalize_country(country: str) -> str:
    code = (country or "").strip().upper()
    return COUNTRY_ALIASES.get(code, code)


def _file_for(country: str, directory: Path) -> Path:
    return Path(directory) / f"{country.lower()}.yaml"


def available_countries(directory: Path = REFERRALS_DIR) -> list[str]:
    """ISO codes (upper case) of the countries that have a referral file."""
    return list(_available_cached(str(directory)))


@lru_cache(maxsize=8)
def _available_cached(directory: str) -> tuple[str, ...]:
    # Asked on every message (for the emergency number): read the folder once.
    folder = Path(directory)
    if not folder.is_dir():
        return ()
    return tuple(sorted(
        path.stem.upper() for path in folder.glob("*.yaml") if COUNTRY_RE.match(path.stem.upper())
    ))


def load_directory(
    country: str, directory: Path = REFERRALS_DIR, default: str = "US"
) -> CountryDirectory:
    """The validated directory for ``country``; the ``default`` country's when it has no file.

    Raises ``ReferralDataError`` when the file to load is invalid (never serves unchecked
    numbers) or when neither file exists. Results are cached; ``clear_cache()`` forgets them.
    """
    return _load_cached(
        normalize_country(country), str(Path(directory)), normalize_country(default)
    )


def clear_cache() -> None:
    _load_cached.cache_clear()
    _available_cached.cache_clear()


@lru_cache(maxsize=64)
def _load_cached(country: str, directory: str, default: str) -> CountryDirectory:
    folder = Path(directory)
    path = _file_for(country, folder) if COUNTRY_RE.match(country) else None
    if path is None or not path.is_file():
        path = _file_for(default, folder)
        if not path.is_file():
            raise ReferralDataError(
                [
                    f"no referral file for {country!r} and none for the default "
                    f"{default!r} in {folder}"
                ]
            )
    return _load_file(path)


def _load_file(path: Path) -> CountryDirectory:
    data, problems = read_yaml(path)
    if data is not None:
        problems += validate_data(path.name, data)
    if problems:
        raise ReferralDataError(problems)
    assert data is not None
    return _build(data)


def _pathways(value: Any) -> frozenset[str]:
    return frozenset(str(item) for item in as_list(value))


def _build(data: Mapping[str, Any]) -> CountryDirectory:
    emergency = data.get("emergency") or {}
    entries = []
    for raw in data.get("entries") or []:
        contact = raw.get("contact") or {}
        text = contact.get("text") or {}
        sources = tuple(str(s) for s in as_list(raw.get("source")))
        entries.append(
            Referral(
                id=str(raw["id"]),
                name=str(raw["name"]),
                category=raw["category"],
                offers=str(raw["offers"]).strip(),
                contact=Contact(
                    phone=_opt_str(contact.get("phone")),
                    text_number=_opt_str(text.get("number")),
                    text_keyword=_opt_str(text.get("keyword")),
                    website=_opt_str(contact.get("website")),
                    email=_opt_str(contact.get("email")),
                    chat=_opt_str(contact.get("chat")),
                    phone_option=_opt_str(contact.get("phone_option")),
                    tty=_opt_str(contact.get("tty")),
                ),
                hours=_opt_str(raw.get("hours")),
                cost=_opt_str(raw.get("cost")),
                pathways=_pathways(raw.get("pathways")),
                crisis=bool(raw.get("crisis", False)),
                for_=_opt_str(raw.get("for")),
                languages=tuple(str(lang) for lang in as_list(raw.get("languages"))),
                source=sources[0],
                sources=sources,
                checked=raw["checked"],
                region=_opt_str(raw.get("region")),
            )
        )
    emergency_sources = [str(s) for s in as_list(emergency.get("source"))]
    return CountryDirectory(
        country=str(data["country"]),
        name=str(data["name"]),
        emergency_number=_opt_str(emergency.get("number")),
        entries=tuple(entries),
        emergency_source=emergency_sources[0] if emergency_sources else None,
        emergency_checked=emergency.get("checked"),
    )


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def iter_all(directory: Path = REFERRALS_DIR) -> Iterable[CountryDirectory]:
    """Every country's directory (validated), for checks and admin tools."""
    for country in available_countries(directory):
        yield load_directory(country, directory)
