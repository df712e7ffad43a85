"""The sourced referral directory: real files validate, the validator catches bad data, crisis
lines match the verified reference, filters and fallbacks behave."""

from __future__ import annotations

import re
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.paths import REFERRALS_DIR
from bot.referrals import (
    CATEGORIES,
    PATHWAYS,
    ReferralDataError,
    available_countries,
    clear_cache,
    load_directory,
    validate_referral_files,
)

REFERENCE_FILE = Path("/work/shared/reference/README.md")

# The verified crisis lines from the project's reference file (shared/reference/README.md,
# "Crisis and help lines"), copied here so the test runs without that file. The test below
# checks the copy against the file when it is present.
REFERENCE = {
    "US": {
        "emergency": "911",
        "crisis_phones": {"988"},
        "crisis_texts": {("988", None), ("741741", "MHA")},
        "phones": {"1-800-662-4357"},  # SAMHSA National Helpline
        "ttys": {"1-800-487-4889"},
    },
    "GB": {
        "emergency": None,  # not in the reference; gb.yaml cites its own sources for 999
        "crisis_phones": {"116 123"},
        "crisis_texts": set(),
        "phones": set(),
        "ttys": set(),
        "emails": {"jo@samaritans.org"},
    },
    "CA": {
        "emergency": None,  # not in the reference; ca.yaml cites its own sources for 911
        "crisis_phones": {"988"},
        "crisis_texts": {("988", None)},
        "phones": set(),
        "ttys": set(),
    },
    "AU": {
        "emergency": "000",
        "crisis_phones": {"13 11 14"},
        "crisis_texts": {("0477 13 11 14", None)},
        "phones": set(),
        "ttys": set(),
    },
}
# Numbers the reference marks as outdated: they must never appear.
OUTDATED = {"GB": ["08457 90 90 90", "08457909090"]}


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


# --- the real files -------------------------------------------------------------------------


def test_every_real_file_validates():
    assert validate_referral_files() == []


def test_the_four_countries_are_present_and_load():
    countries = available_countries()
    assert {"US", "GB", "CA", "AU"} <= set(countries)
    for country in countries:
        directory = load_directory(country)
        assert directory.country == country
        assert directory.entries
        assert directory.crisis_lines(), f"{country} has no crisis line"
        assert directory.emergency_number, f"{country} has no sourced emergency number"


def test_every_entry_is_sourced_and_dated_today_or_earlier():
    today = date.today()
    for country in available_countries():
        directory = load_directory(country)
        assert directory.emergency_source and directory.emergency_checked <= today
        for entry in directory.entries:
            assert entry.sources and all(
                s.startswith(("https://", "http://")) for s in entry.sources
            )
            assert entry.checked <= today, (country, entry.id)


@pytest.mark.parametrize("country", sorted(REFERENCE))
def test_crisis_lines_match_the_reference(country):
    expected = REFERENCE[country]
    directory = load_directory(country)
    assert directory.country == country
    crisis = directory.crisis_lines()
    crisis_phones = {e.contact.phone for e in crisis if e.contact.phone}
    crisis_texts = {
        (e.contact.text_number, e.contact.text_keyword) for e in crisis if e.contact.text_number
    }
    assert expected["crisis_phones"] <= crisis_phones
    assert expected["crisis_texts"] <= crisis_texts
    phones = {e.contact.phone for e in directory.entries}
    ttys = {e.contact.tty for e in directory.entries}
    emails = {e.contact.email for e in directory.entries}
    assert expected["phones"] <= phones
    assert expected["ttys"] <= ttys
    assert expected.get("emails", set()) <= emails
    if expected["emergency"] is not None:
        assert directory.emergency_number == expected["emergency"]


def test_crisis_lines_are_the_ones_in_the_reference_table():
    """A crisis line whose number is in the reference must be the same line: e.g. 988 in the
    US is the 988 Suicide & Crisis Lifeline (plus the Veterans Crisis Line, 988 then 1)."""
    us = load_directory("US")
    lifeline = us.get("988-lifeline")
    assert lifeline and lifeline.contact.phone == "988" and lifeline.contact.phone_option is None
    vcl = us.get("veterans-crisis-line")
    assert vcl and vcl.contact.phone == "988" and vcl.contact.phone_option == "1"
    samaritans = load_directory("GB").get("samaritans")
    assert samaritans and samaritans.contact.phone == "116 123" and samaritans.hours == "24/7"
    lifeline_au = load_directory("AU").get("lifeline")
    assert lifeline_au and lifeline_au.contact.phone == "13 11 14"
    assert lifeline_au.contact.text_number == "0477 13 11 14"
    ca = load_directory("CA").get("988-suicide-crisis-helpline")
    assert ca and ca.contact.phone == "988" and set(ca.languages) == {"English", "French"}


@pytest.mark.skipif(not REFERENCE_FILE.is_file(), reason="shared reference file not available")
def test_reference_copy_matches_the_reference_file():
    digits = _digits(REFERENCE_FILE.read_text(encoding="utf-8"))
    for country, expected in REFERENCE.items():
        numbers = set(expected["crisis_phones"]) | expected["phones"] | expected["ttys"]
        numbers |= {number for number, _ in expected["crisis_texts"]}
        if expected["emergency"]:
            numbers.add(expected["emergency"])
        for number in numbers:
            assert _digits(number) in digits, (country, number)


@pytest.mark.parametrize("country,numbers", sorted(OUTDATED.items()))
def test_outdated_numbers_never_appear(country, numbers):
    text = (REFERRALS_DIR / f"{country.lower()}.yaml").read_text(encoding="utf-8")
    for number in numbers:
        assert number not in text


def test_real_pathway_filter_only_returns_matching_entries():
    for country in available_countries():
        directory = load_directory(country)
        for category in directory.categories():
            everything = directory.by_category(category)
            assert everything and all(e.category == category for e in everything)
            for pathway in PATHWAYS:
                subset = directory.by_category(category, pathway)
                assert all(e.serves(pathway) for e in subset)
                assert set(subset) <= set(everything)


# --- a small directory in a temporary folder ------------------------------------------------

VALID = """\
country: US
name: United States
emergency:
  number: "911"
  source: https://example.org/emergency
  checked: 2026-01-02
entries:
  - id: line-one
    name: Line One
    category: crisis
    crisis: true
    offers: Support by phone.
    contact:
      phone: "988"
    hours: 24/7
    cost: free
    pathways: [all]
    source: https://example.org/line-one
    checked: 2026-01-02
  - id: group-stop
    name: Group for stopping
    category: support_groups
    offers: Meetings.
    contact:
      website: https://example.org/stop
    hours: null
    cost: null
    pathways: [stopping]
    source: https://example.org/stop
    checked: 2026-01-02
  - id: group-all
    name: Group for everyone
    category: support_groups
    offers: Meetings.
    contact:
      website: https://example.org/all
    hours: null
    cost: free
    pathways: [all]
    source: [https://example.org/all, https://example.org/all-2]
    checked: 2026-01-02
  - id: group-less
    name: Group for cutting down
    category: support_groups
    offers: Meetings.
    contact:
      website: https://example.org/less
    hours: null
    cost: null
    pathways: [cutting_down, safer_use]
    source: https://example.org/less
    checked: 2026-01-02
"""


def _write(folder: Path, text: str, name: str = "us.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def ids(entries):
    return [entry.id for entry in entries]


def test_valid_sample_has_no_problems(tmp_path):
    assert validate_referral_files(_write(tmp_path, VALID)) == []


def test_pathway_filter(tmp_path):
    directory = load_directory("US", _write(tmp_path, VALID))
    assert ids(directory.by_category("support_groups")) == ["group-stop", "group-all", "group-less"]
    assert ids(directory.by_category("support_groups", "stopping")) == ["group-stop", "group-all"]
    assert ids(directory.by_category("support_groups", "cutting_down")) == [
        "group-all",
        "group-less",
    ]
    assert ids(directory.by_category("support_groups", "safer_use")) == ["group-all", "group-less"]
    assert ids(directory.by_category("support_groups", "not_sure")) == ["group-all"]
    assert directory.by_category("benefits") == []
    assert directory.categories() == ["crisis", "support_groups"]
    assert ids(directory.crisis_lines()) == ["line-one"]
    assert directory.get("group-all").sources == (
        "https://example.org/all",
        "https://example.org/all-2",
    )
    assert directory.get("group-all").source == "https://example.org/all"
    with pytest.raises(ValueError):
        directory.by_category("support_groups", "moderation")
    with pytest.raises(ValueError):
        directory.by_category("rehab")


def test_categories_follow_the_canonical_order(tmp_path):
    directory = load_directory("US")
    order = [CATEGORIES.index(c) for c in directory.categories()]
    assert order == sorted(order)


def test_unknown_country_falls_back_to_the_default(tmp_path):
    folder = _write(tmp_path, VALID)
    assert load_directory("ZZ", folder).country == "US"
    assert load_directory("", folder).country == "US"
    assert load_directory("not a code", folder).country == "US"
    real = load_directory("FR", default="GB")
    assert real.country == "GB"
    assert load_directory("uk").country == "GB"  # common alias for the ISO code
    assert load_directory("au").country == "AU"


def test_no_file_and_no_default_is_an_error(tmp_path):
    folder = _write(tmp_path, VALID.replace("country: US", "country: AU"), name="au.yaml")
    with pytest.raises(ReferralDataError):
        load_directory("ZZ", folder, default="US")


def test_load_is_cached(tmp_path):
    folder = _write(tmp_path, VALID)
    assert load_directory("US", folder) is load_directory("us", folder)
    clear_cache()
    assert load_directory("US", folder) == load_directory("US", folder)


def test_invalid_file_is_never_served(tmp_path):
    folder = _write(tmp_path, VALID.replace('phone: "988"', 'phone: "98"'))
    with pytest.raises(ReferralDataError) as caught:
        load_directory("US", folder)
    assert "line-one" in str(caught.value)


TOMORROW = (date.today() + timedelta(days=1)).isoformat()

BROKEN = [
    # (description, replace this, with this, text expected in a problem)
    (
        "missing source",
        "    source: https://example.org/stop\n",
        "",
        "'group-stop': missing 'source'",
    ),
    ("bad phone", 'phone: "988"', 'phone: "1-800-FLOWERS"', "'line-one': phone '1-800-FLOWERS'"),
    ("short phone", 'phone: "988"', 'phone: "555-1234"', "'line-one': phone '555-1234'"),
    ("unquoted phone", 'phone: "988"', "phone: 988", "'line-one': phone must be a quoted string"),
    (
        "future date",
        "    source: https://example.org/less\n    checked: 2026-01-02",
        f"    source: https://example.org/less\n    checked: {TOMORROW}",
        f"'group-less': 'checked' date {TOMORROW} is in the future",
    ),
    (
        "missing date",
        "    checked: 2026-01-02\n  - id: group-stop",
        "  - id: group-stop",
        "'line-one': missing 'checked'",
    ),
    (
        "unknown category",
        "category: crisis",
        "category: rehab",
        "'line-one': unknown category 'rehab'",
    ),
    ("unknown pathway", "[stopping]", "[moderation]", "'group-stop': unknown pathway 'moderation'"),
    ("duplicate id", "id: group-all", "id: group-stop", "'group-stop': duplicate id"),
    (
        "bad url",
        "website: https://example.org/stop",
        "website: example.org/stop",
        "'group-stop': website",
    ),
    (
        "source not a url",
        "source: https://example.org/less",
        "source: ftp://example.org/less",
        "'group-less': source",
    ),
    (
        "crisis without phone",
        'phone: "988"',
        "website: https://example.org/x",
        "'line-one': a crisis line needs",
    ),
    (
        "typo key",
        "    offers: Meetings.\n    contact:\n      website: https://example.org/stop",
        "    offers: Meetings.\n    soruce: x\n"
        "    contact:\n      website: https://example.org/stop",
        "'group-stop': unknown key 'soruce'",
    ),
    (
        "emergency unsourced",
        "  source: https://example.org/emergency\n",
        "",
        "emergency: missing source",
    ),
    (
        "emergency future",
        "  checked: 2026-01-02\nentries",
        f"  checked: {TOMORROW}\nentries",
        "emergency: 'checked' date",
    ),
    ("wrong country", "country: US", "country: CA", "does not match the file name"),
    ("missing hours", "    hours: 24/7\n", "", "'line-one': missing 'hours'"),
]


@pytest.mark.parametrize("what,old,new,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_validator_catches_broken_entries(tmp_path, what, old, new, expected):
    assert old in VALID, what
    folder = _write(tmp_path, VALID.replace(old, new, 1))
    problems = validate_referral_files(folder)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("us.yaml") for p in problems), problems


@pytest.mark.parametrize(
    "country,good,bad",
    [
        (
            "US",
            ["911", "988", "211", "1-800-662-4357"],
            ["1-800-662-435", "800-662-4357", "1 800 662 4357", "98"],
        ),
        ("CA", ["911", "1-855-242-3310"], ["1-855-242-331", "+1 855 242 3310"]),
        (
            "GB",
            ["999", "112", "111", "116 123", "0800 9177 650", "0300 123 6600", "020 7407 0215"],
            ["0845 790 9090", "116123a", "07700-900000", "08457 90 90 90"],
        ),
        (
            "AU",
            ["000", "13 11 14", "1300 22 4636", "1800 250 015", "0477 13 11 14"],
            ["131 114 5", "1900 123 456", "0477-13-11-14", "00"],
        ),
    ],
)
def test_phone_formats_per_country(tmp_path, country, good, bad):
    template = VALID.replace("country: US", f"country: {country}")
    name = f"{country.lower()}.yaml"
    for number in good:
        folder = _write(
            tmp_path / f"good-{_digits(number)}", template.replace('"988"', f'"{number}"'), name
        )
        problems = [p for p in validate_referral_files(folder) if "line-one" in p]
        assert problems == [], (number, problems)
    for number in bad:
        folder = _write(
            tmp_path / f"bad-{_digits(number)}", template.replace('"988"', f'"{number}"'), name
        )
        problems = validate_referral_files(folder)
        assert any("line-one" in p and "phone" in p for p in problems), (number, problems)


def test_text_lines_accept_short_codes_and_keywords(tmp_path):
    text = VALID.replace('phone: "988"', 'text: {number: "741741", keyword: "MHA"}')
    directory = load_directory("US", _write(tmp_path, text))
    line = directory.get("line-one")
    assert (line.contact.text_number, line.contact.text_keyword) == ("741741", "MHA")
