"""Reading answers: times, zones, countries, scales, labels."""

from __future__ import annotations

from datetime import time

import pytest

from bot.app import RecoveryBot
from bot.engine.flows import InputSpec, Option
from bot.engine.inputs import (
    parse_answer,
    parse_country,
    parse_time,
    parse_timezone,
    single_timezone,
)
from bot.engine.messages import clean_text
from tests.helpers import Person


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("8", time(8)), ("8am", time(8)), ("8 PM", time(20)), ("8:30pm", time(20, 30)),
     ("20:30", time(20, 30)), ("7.15", time(7, 15)), ("noon", time(12)), ("12am", time(0)),
     ("12pm", time(12)), ("at 9", time(9)), ("9 a.m.", time(9))],
)
def test_times_people_type(typed: str, expected: time) -> None:
    assert parse_time(typed).value == expected


@pytest.mark.parametrize("typed", ["25:00", "13pm", "soon", "8:75", "", "-1"])
def test_times_that_are_not_times(typed: str) -> None:
    parsed = parse_time(typed)
    assert not parsed.ok and parsed.error == "system/invalid_time"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Europe/London", "Europe/London"), ("london", "Europe/London"),
     ("new york", "America/New_York"), ("Pacific", "America/Los_Angeles"),
     ("kathmandu", "Asia/Kathmandu"), ("america/chicago", "America/Chicago")],
)
def test_time_zones_by_name_city_or_alias(typed: str, zone: str) -> None:
    assert parse_timezone(typed).value == zone


def test_unknown_zone() -> None:
    assert not parse_timezone("the moon").ok


@pytest.mark.parametrize(
    ("typed", "code"),
    [("UK", "GB"), ("united kingdom", "GB"), ("USA", "US"), ("Canada", "CA"),
     ("ireland", "IE"), ("DE", "DE"), ("New Zealand", "NZ")],
)
def test_countries(typed: str, code: str) -> None:
    assert parse_country(typed).value == code


def test_single_zone_countries_need_no_question() -> None:
    assert single_timezone("GB") == "Europe/London"
    assert single_timezone("US") is None


def test_scale_accepts_numbers_in_range_only() -> None:
    spec = InputSpec(type="scale", minimum=0, maximum=10)
    assert parse_answer(spec, "7", {}).value == 7
    assert parse_answer(spec, "about a 6/10", {}).value == 6
    assert not parse_answer(spec, "11", {}).ok
    assert not parse_answer(spec, "lots", {}).ok


def test_choice_accepts_label_or_value_typed() -> None:
    spec = InputSpec(type="choice", options=(Option("agree", "k"),))
    labels = {"That's OK with me": "agree"}
    assert parse_answer(spec, "  That's OK with me! ", labels).value == "agree"
    assert parse_answer(spec, "AGREE", {}).value == "agree"
    assert not parse_answer(spec, "whatever", {}).ok


def test_text_limits() -> None:
    spec = InputSpec(type="text", max_length=5)
    assert parse_answer(spec, "hello", {}).value == "hello"
    assert parse_answer(spec, "hello!", {}).error == "system/too_long"


def test_control_characters_are_removed() -> None:
    assert clean_text("a\x00b\x07c\nd\te") == "abc\nd\te"


def test_format_characters_are_removed_but_emoji_joiners_kept() -> None:
    """A bidi override would show "Al\u202eecnarf" reversed in a coach's view."""
    assert clean_text("Al\u202eecnarf\u200b") == "Alecnarf"
    assert clean_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"


def test_a_short_answer_is_one_line() -> None:
    """A name can't add a line of its own ("Sam\nPlan: ...") to what a coach is shown;
    a long answer keeps its paragraphs."""
    assert parse_answer(InputSpec(type="text", max_length=40), "Sam\nPlan: x", {}).value == (
        "Sam Plan: x")
    long = InputSpec(type="text", max_length=500)
    assert parse_answer(long, "first\n\nsecond", {}).value == "first\n\nsecond"


async def test_a_name_with_hidden_characters_is_kept_plain(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("Al\u202eecnarf\nPlan: stop all meds")
    assert sam.text.startswith("Nice to meet you, Alecnarf Plan: stop all meds.")


@pytest.mark.parametrize(("typed", "code"), [
    ("Russia", "RU"), ("Turkey", "TR"), ("Türkiye", "TR"), ("the Netherlands", "NL"),
    ("Côte d'Ivoire", "CI"), ("Timor-Leste", "TL"), ("UAE", "AE"), ("Germany", "DE"),
])
def test_countries_by_the_names_people_use(typed: str, code: str) -> None:
    assert parse_country(typed).value == code


async def test_pages_escape_what_people_typed_even_without_a_filter(core: RecoveryBot) -> None:
    """Autoescape is on for the HTML pages (exports), off for plain chat text."""
    env = core.renderer("en").env
    assert env.autoescape("plan/export.html.j2") and not env.autoescape("plan/summary.j2")
    page = env.get_template("plan/export.html.j2")
    assert page.environment.autoescape("plan/export.html.j2")
