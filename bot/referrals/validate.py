"""Checks of the referral files: every entry sourced, dated and well-formed.

`recovery-bot resources check` and the tests run `validate_referral_files()`; loading a
file runs the same checks, so an unchecked number is never served.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from bot.paths import REFERRALS_DIR
from bot.referrals.model import ALL_PATHWAYS, CATEGORIES, PATHWAYS, as_list, read_yaml

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SHORT_CODE_RE = re.compile(r"^\d{3,6}$")  # SMS short codes such as 741741 or 85258
_PHONE_OPTION_RE = re.compile(r"^[0-9*#]$")

# Phone numbers as written in the files, per country. US/CA: 3-digit service codes (988, 911,
# 211) or NANP numbers written 1-XXX-XXX-XXXX. GB, AU: digits in groups separated by single
# spaces; the digits alone must match the national pattern.
_NANP_RE = re.compile(r"^(\d{3}|1-[2-9]\d{2}-[2-9]\d{2}-\d{4})$")
_SPACED_DIGITS_RE = re.compile(r"^\d+( \d+)*$")
_DIGIT_PATTERNS = {
    # 999, 112, 111 and other 3-digit codes; 116 123 style; 0800/0808 freephone; 03 national
    # rate; 01/02 geographic.
    "GB": re.compile(r"^(\d{3}|116\d{3}|080[08]\d{6,7}|03\d{9}|0[12]\d{8,9})$"),
    # 000; 13 11 14 style; 1300 and 1800 numbers; 04XX mobiles.
    "AU": re.compile(r"^(000|13\d{4}|1[38]00\d{6}|04\d{8})$"),
}

_TOP_KEYS_REQUIRED = ("country", "name", "entries")
_TOP_KEYS_ALLOWED = {*_TOP_KEYS_REQUIRED, "emergency"}
_EMERGENCY_KEYS = {"number", "source", "checked"}
_ENTRY_KEYS_REQUIRED = (
    "id",
    "name",
    "category",
    "offers",
    "contact",
    "hours",
    "cost",
    "pathways",
    "source",
    "checked",
)
_ENTRY_KEYS_ALLOWED = {*_ENTRY_KEYS_REQUIRED, "crisis", "for", "languages", "region"}
_CONTACT_KEYS = {"phone", "phone_option", "tty", "text", "website", "email", "chat"}
_TEXT_KEYS = {"number", "keyword"}
_MAX_OFFERS = 200


def validate_referral_files(
    directory: Path = REFERRALS_DIR, today: date | None = None
) -> list[str]:
    """Every problem in every referral file, as sentences naming the file and the entry id.

    An empty list means every file loads and every entry is sourced, dated and well-formed.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return [f"{directory}: referral folder not found"]
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        return [f"{directory}: no referral files (*.yaml)"]
    problems: list[str] = []
    for path in paths:
        data, read_problems = read_yaml(path)
        problems += read_problems
        if data is not None:
            problems += validate_data(path.name, data, today=today)
    return problems


def validate_data(filename: str, data: Mapping[str, Any], today: date | None = None) -> list[str]:
    today = today or date.today()
    problems: list[str] = []
    where = filename

    for key in _TOP_KEYS_REQUIRED:
        if key not in data:
            problems.append(f"{where}: missing top-level {key!r}")
    for key in sorted(set(data) - _TOP_KEYS_ALLOWED):
        problems.append(f"{where}: unknown top-level key {key!r}")

    country = str(data.get("country") or "")
    if not COUNTRY_RE.match(country):
        problems.append(f"{where}: country {country!r} is not an upper-case ISO 3166-1 code")
    elif Path(filename).stem.upper() != country:
        problems.append(f"{where}: country {country!r} does not match the file name")
    if not _nonempty_str(data.get("name")):
        problems.append(f"{where}: 'name' must be a non-empty string")

    emergency = data.get("emergency")
    if emergency is not None:
        problems += _validate_emergency(where, country, emergency, today)

    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where}: 'entries' must be a non-empty list")
        return problems

    seen: set[str] = set()
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict):
            problems.append(f"{where}: entry #{index + 1} is not a mapping")
            continue
        entry_id = raw.get("id")
        label = f"{where}: entry {entry_id!r}" if entry_id else f"{where}: entry #{index + 1}"
        if isinstance(entry_id, str) and entry_id:
            if entry_id in seen:
                problems.append(f"{label}: duplicate id")
            seen.add(entry_id)
        problems += _validate_entry(label, country, raw, today)
    return problems


def _validate_emergency(where: str, country: str, emergency: Any, today: date) -> list[str]:
    label = f"{where}: emergency"
    if not isinstance(emergency, dict):
        return [f"{label}: must be a mapping with number, source, checked"]
    problems = [f"{label}: unknown key {key!r}" for key in sorted(set(emergency) - _EMERGENCY_KEYS)]
    number = emergency.get("number")
    if not isinstance(number, str) or not re.fullmatch(r"\d{3}", number):
        problems.append(f'{label}: number {number!r} must be a quoted 3-digit code such as "911"')
    elif not _phone_ok(country, number):
        problems.append(f"{label}: number {number!r} is not a valid {country} number")
    problems += _validate_sources(label, emergency.get("source"))
    problems += _validate_checked(label, emergency.get("checked"), today)
    return problems


def _validate_entry(label: str, country: str, raw: Mapping[str, Any], today: date) -> list[str]:
    problems: list[str] = []
    for key in _ENTRY_KEYS_REQUIRED:
        if key not in raw:
            problems.append(f"{label}: missing {key!r}")
    for key in sorted(set(raw) - _ENTRY_KEYS_ALLOWED):
        problems.append(f"{label}: unknown key {key!r}")

    entry_id = raw.get("id")
    if "id" in raw and not (isinstance(entry_id, str) and _ID_RE.match(entry_id)):
        problems.append(f"{label}: id must be lower-case letters, digits and hyphens")
    if "name" in raw and not _nonempty_str(raw.get("name")):
        problems.append(f"{label}: 'name' must be a non-empty string")

    category = raw.get("category")
    if "category" in raw and category not in CATEGORIES:
        problems.append(
            f"{label}: unknown category {category!r}; use one of {', '.join(CATEGORIES)}"
        )

    offers = raw.get("offers")
    if "offers" in raw:
        if not _nonempty_str(offers):
            problems.append(f"{label}: 'offers' must be a non-empty string")
        elif len(str(offers).strip()) > _MAX_OFFERS or "\n" in str(offers).strip():
            problems.append(
                f"{label}: 'offers' must be one short line (at most {_MAX_OFFERS} characters)"
            )

    for key in ("hours", "cost"):
        value = raw.get(key)
        if key in raw and value is not None and not _nonempty_str(value):
            problems.append(
                f"{label}: {key!r} must be a string, or null when the source does not say"
            )

    crisis = raw.get("crisis", False)
    if not isinstance(crisis, bool):
        problems.append(f"{label}: 'crisis' must be true or false")
    if "for" in raw and not _nonempty_str(raw.get("for")):
        problems.append(f"{label}: 'for' must be a non-empty string")
    if "region" in raw and not _nonempty_str(raw.get("region")):
        problems.append(f"{label}: 'region' must be a non-empty string")
    if "languages" in raw:
        languages = raw.get("languages")
        if (
            not isinstance(languages, list)
            or not languages
            or not all(map(_nonempty_str, languages))
        ):
            problems.append(f"{label}: 'languages' must be a non-empty list of strings")

    if "pathways" in raw:
        problems += _validate_pathways(label, raw.get("pathways"))
    if "contact" in raw:
        problems += _validate_contact(label, country, raw.get("contact"), crisis is True)
    if "source" in raw:
        problems += _validate_sources(label, raw.get("source"))
    if "checked" in raw:
        problems += _validate_checked(label, raw.get("checked"), today)
    if crisis is True and category not in (None, "crisis") and category in CATEGORIES:
        # Crisis lines live in the crisis category so both views agree.
        problems.append(f"{label}: a crisis line must have category 'crisis'")
    return problems


def _validate_pathways(label: str, value: Any) -> list[str]:
    items = as_list(value)
    if not items:
        return [f"{label}: 'pathways' must list at least one pathway (or 'all')"]
    problems = []
    for item in items:
        if item != ALL_PATHWAYS and item not in PATHWAYS:
            problems.append(
                f"{label}: unknown pathway {item!r}; use 'all' or some of {', '.join(PATHWAYS)}"
            )
    if ALL_PATHWAYS in items and len(items) > 1:
        problems.append(f"{label}: 'all' must stand alone in 'pathways'")
    return problems


def _validate_contact(label: str, country: str, contact: Any, crisis: bool) -> list[str]:
    if not isinstance(contact, dict) or not contact:
        return [f"{label}: 'contact' must be a mapping with at least one way to reach the service"]
    problems = [
        f"{label}: unknown contact key {key!r}" for key in sorted(set(contact) - _CONTACT_KEYS)
    ]

    for key in ("phone", "tty"):
        if key in contact:
            value = contact[key]
            if not isinstance(value, str):
                problems.append(f"{label}: {key} must be a quoted string, got {value!r}")
            elif not _phone_ok(country, value):
                problems.append(f"{label}: {key} {value!r} is not a valid {country} phone number")
    if "phone_option" in contact:
        option = contact["phone_option"]
        if "phone" not in contact:
            problems.append(f"{label}: phone_option without a phone")
        if not (isinstance(option, str) and _PHONE_OPTION_RE.match(option)):
            problems.append(f"{label}: phone_option {option!r} must be a quoted single key")

    if "text" in contact:
        text = contact["text"]
        if not isinstance(text, dict) or "number" not in text:
            problems.append(
                f"{label}: text must be a mapping with 'number' (and optional 'keyword')"
            )
        else:
            problems += [
                f"{label}: unknown text key {key!r}" for key in sorted(set(text) - _TEXT_KEYS)
            ]
            number = text.get("number")
            if not isinstance(number, str) or not (
                _SHORT_CODE_RE.match(number) or _phone_ok(country, number)
            ):
                problems.append(
                    f"{label}: text number {number!r} is not a short code or {country} number"
                )
            if "keyword" in text and not _nonempty_str(text.get("keyword")):
                problems.append(f"{label}: text keyword must be a non-empty string")

    for key in ("website", "chat"):
        if key in contact and not _url_ok(contact[key]):
            problems.append(f"{label}: {key} {contact[key]!r} must start with https:// or http://")
    if "email" in contact and not (
        isinstance(contact["email"], str) and _EMAIL_RE.match(contact["email"])
    ):
        problems.append(f"{label}: email {contact['email']!r} is not an email address")

    reachable = {"phone", "tty", "text", "website", "email", "chat"} & set(contact)
    if not reachable:
        problems.append(f"{label}: contact has no way to reach the service")
    if crisis and not ({"phone", "text"} & set(contact)):
        problems.append(f"{label}: a crisis line needs a phone number or a text number")
    return problems


def _validate_sources(label: str, value: Any) -> list[str]:
    items = as_list(value)
    if not items:
        return [f"{label}: missing source (where the details were read)"]
    problems = []
    for item in items:
        if not _nonempty_str(item):
            problems.append(f"{label}: source must be a URL or the name of a publication")
        elif "://" in str(item) and not _url_ok(item):
            problems.append(f"{label}: source {item!r} must start with https:// or http://")
    return problems


def _validate_checked(label: str, value: Any, today: date) -> list[str]:
    if value is None:
        return [f"{label}: missing 'checked' date"]
    if not isinstance(value, date) or hasattr(value, "hour"):
        return [f"{label}: 'checked' must be a date written YYYY-MM-DD, got {value!r}"]
    if value > today:
        return [f"{label}: 'checked' date {value.isoformat()} is in the future"]
    return []


def _phone_ok(country: str, value: str) -> bool:
    value = value.strip()
    if country in ("US", "CA"):
        return bool(_NANP_RE.match(value))
    pattern = _DIGIT_PATTERNS.get(country)
    if pattern is None:
        # A country without rules yet: digits in spaced or hyphenated groups, optional +.
        return bool(re.fullmatch(r"\+?\d+([ -]\d+)*", value))
    if not _SPACED_DIGITS_RE.match(value):
        return False
    return bool(pattern.match(value.replace(" ", "")))


def _url_ok(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^https?://[^\s/]+\.[^\s]+$", value) is not None


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
