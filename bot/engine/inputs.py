"""Turn what a person typed or tapped into a typed answer, or say kindly why not.

Each input type has one parser: ``parse(spec, text) -> Parsed``. A failed parse names the
template that explains the problem (``system/invalid_<type>``); the engine re-asks.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import pycountry

from bot import yamlio
from bot.engine.flows import InputSpec
from bot.engine.render import code_template
from bot.paths import RESOURCES_DIR

INVALID = {
    kind: code_template(f"system/invalid_{kind}")
    for kind in ("choice", "scale", "number", "time", "timezone", "country", "text")
}
TOO_LONG = code_template("system/too_long")


@dataclass(frozen=True)
class Parsed:
    """The result of reading one answer."""

    ok: bool
    value: Any = None
    error: str | None = None  # template key explaining the problem


@dataclass(frozen=True)
class Vocabulary:
    """Words with a meaning in any state (skip, back, none, yes, no)."""

    skip: frozenset[str]
    back: frozenset[str]
    none: frozenset[str]
    yes: frozenset[str]
    no: frozenset[str]
    name_openings: frozenset[str] = frozenset()
    # vocabulary name -> option value -> words and emoji meaning it ("mood" -> "2" -> "rough")
    choice_words: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    country_names: Mapping[str, str] = field(default_factory=dict)  # "russia" -> "RU"
    named_times: Mapping[str, str] = field(default_factory=dict)  # "noon" -> "12:00"


def normalise(text: str) -> str:
    """Lower-case, trimmed, inner spaces folded, apostrophes (straight or curly, as phones
    type them) dropped, trailing punctuation dropped: "That’s okay" == "thats okay"."""
    text = re.sub(r"[\u2019\u2018'`´]", "", text)
    text = re.sub(r"\s+", " ", text.strip().lower())
    return text.strip(" .!?,;:")


@functools.lru_cache(maxsize=4)
def vocabulary(locale: str = "en", root: Path = RESOURCES_DIR) -> Vocabulary:
    """The locale's input words from resources/input/<locale>.yaml."""
    data = yamlio.safe_load((root / "input" / f"{locale}.yaml").read_text(encoding="utf-8"))
    choice_words = {
        str(name): {str(value): tuple(normalise(str(w)) for w in words)
                    for value, words in table.items()}
        for name, table in (data.pop("choice_words", None) or {}).items()
    }
    countries = {normalise(str(k)): str(v).upper()
                 for k, v in (data.pop("country_names", None) or {}).items()}
    times = {normalise(str(k)): str(v) for k, v in (data.pop("named_times", None) or {}).items()}
    data.pop("dates", None)  # read by bot.coaching.when
    return Vocabulary(**{str(k): frozenset(normalise(str(w)) for w in v) for k, v in data.items()},
                      choice_words=choice_words, country_names=countries, named_times=times)


def by_words(text: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The option whose words the typed text says ("pretty rough" -> "2"), longest first."""
    key = " {} ".format(" ".join(re.sub(r"[,.;:!?]+", " ", normalise(text)).split()))
    pairs = sorted(((w, v) for v, words in table.items() for w in words), key=lambda p: -len(p[0]))
    for word, value in pairs:
        if word and (f" {word} " in key if word[0].isalnum() else word in key):
            return value
    return None


@functools.lru_cache(maxsize=1)
def _timezone_data(root: Path = RESOURCES_DIR) -> dict[str, Any]:
    return yamlio.safe_load((root / "input" / "timezones.yaml").read_text(encoding="utf-8"))


def timezone_choices(country: str | None) -> list[str]:
    """Zones offered as buttons for a country with several; empty when none are curated."""
    return list(_timezone_data()["choices"].get((country or "").upper(), []))


@functools.lru_cache(maxsize=1)
def _zones_by_country() -> dict[str, list[str]]:
    text = importlib_resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            zones.setdefault(parts[0], []).append(parts[2])
    return zones


def single_timezone(country: str | None) -> str | None:
    """The country's time zone when its clocks all read the same (one zone, or several that
    keep the same time all year, as Germany's Berlin and Büsingen do), else None."""
    zones = _zones_by_country().get((country or "").upper(), [])
    if not zones:
        return None
    return zones[0] if len({_clock_of(zone) for zone in zones}) == 1 else None


@functools.lru_cache(maxsize=512)
def _clock_of(zone: str) -> tuple[Any, ...]:
    """A zone's offsets from UTC in January and July (this year and next): two zones with the
    same clock tell the same time all year."""
    info = zoneinfo.ZoneInfo(zone)
    year = datetime.now(UTC).year
    return tuple(datetime(y, month, 15, 12, tzinfo=info).utcoffset()
                 for y in (year, year + 1) for month in (1, 7))


@functools.lru_cache(maxsize=1)
def _zone_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for zone in zoneinfo.available_timezones():
        lookup[zone.lower()] = zone
        city = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
        lookup.setdefault(city, zone)
    for alias, zone in _timezone_data()["aliases"].items():
        lookup[normalise(str(alias))] = zone
    return lookup


def strip_name_opening(text: str, words: Vocabulary) -> str:
    """"my name is Sam" -> "Sam"; "Sam" stays "Sam" (longest opening first)."""
    cleaned = text.strip()
    lowered = normalise(cleaned)
    for opening in sorted(words.name_openings, key=len, reverse=True):
        if lowered.startswith(opening + " "):
            rest = cleaned.split(None, len(opening.split()))[len(opening.split()):]
            return (rest[0] if rest else "").strip(" ,.!").strip() or cleaned
    return cleaned


def parse_timezone(text: str) -> Parsed:
    """An IANA zone ('Europe/London'), a city ('london'), or a known alias ('eastern')."""
    key = normalise(text).replace("_", " ")
    zone = _zone_lookup().get(key) or _zone_lookup().get(key.replace(" ", "_"))
    if zone is None:
        zone = _zone_lookup().get(normalise(text))
    return Parsed(True, zone) if zone else Parsed(False, error=INVALID["timezone"])


def parse_country(text: str, words: Vocabulary | None = None) -> Parsed:
    """A country name or ISO code, returned as the two-letter code: the locale's everyday
    names first (`country_names` in resources/input/<locale>.yaml), then ISO 3166's."""
    names = (words or vocabulary()).country_names
    key = normalise(text)
    spaced = key.replace("'", " ").replace("-", " ")
    for candidate in dict.fromkeys((key, spaced, spaced.removeprefix("the "))):
        if candidate in names:
            return Parsed(True, names[candidate])
        try:
            return Parsed(True, pycountry.countries.lookup(candidate).alpha_2)
        except LookupError:
            continue
    return Parsed(False, error=INVALID["country"])


_TIME = re.compile(
    r"^(?:at\s+)?(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?$"
)


def parse_time(text: str, words: Vocabulary | None = None) -> Parsed:
    """A time of day: '8', '8am', '8:30 pm', '20:30', '7.15', or one of the locale's named
    times ('noon': `named_times` in resources/input/<locale>.yaml)."""
    key = normalise(text)
    named = (words or vocabulary()).named_times
    if key in named:
        said_hour, _, said_minute = named[key].partition(":")
        return Parsed(True, time(int(said_hour), int(said_minute or 0)))
    match = _TIME.match(key)
    if not match:
        return Parsed(False, error=INVALID["time"])
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return Parsed(False, error=INVALID["time"])
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return Parsed(False, error=INVALID["time"])
    return Parsed(True, time(hour, minute))


def parse_integer(spec: InputSpec, text: str, kind: str) -> Parsed:
    """A whole number within the spec's range ('7', '7/10', 'about 7')."""
    match = re.search(r"-?\d+", normalise(text))
    if not match:
        return Parsed(False, error=INVALID[kind])
    value = int(match.group())
    if not spec.minimum <= value <= spec.maximum:
        return Parsed(False, error=INVALID[kind])
    return Parsed(True, value)


#: A text answer this short is one line (a name, a reason): line breaks become spaces, so a
#: name can't add a line of its own ("Sam\nPlan: ...") to what a coach is shown.
ONE_LINE_MAX = 80


def parse_text(spec: InputSpec, text: str) -> Parsed:
    """Free text within the spec's length limits (a short one kept to one line)."""
    cleaned = " ".join(text.split()) if spec.max_length <= ONE_LINE_MAX else text.strip()
    if len(cleaned) < spec.min_length:
        return Parsed(False, error=INVALID["text"])
    if len(cleaned) > spec.max_length:
        return Parsed(False, error=TOO_LONG)
    return Parsed(True, cleaned)


def parse_answer(spec: InputSpec, text: str, labels: dict[str, str],
                 words: Vocabulary | None = None) -> Parsed:
    """Read a typed answer for any input type.

    Args:
        spec: what the state expects.
        text: what the person typed.
        labels: rendered button label -> option value, so typing a label counts as tapping it.
        words: the locale's words, for a question whose answers may be said in words or emoji
            (`words:` in the flow: "pretty rough" for a mood, "really strong" for a craving).
    """
    if spec.type == "text":
        return parse_text(spec, text)
    key = normalise(text)
    by_label = {normalise(label): value for label, value in labels.items()}
    if key in by_label:
        value: Any = by_label[key]
        if spec.type in ("scale", "number") and str(value).lstrip("-").isdigit():
            value = int(value)  # a typed "7" is the number 7, as a tapped 7 is
        return Parsed(True, value)
    if spec.words and words is not None and spec.words in words.choice_words:
        said = by_words(text, words.choice_words[spec.words])
        if said is not None:
            return Parsed(True, int(said) if spec.type in ("scale", "number") else said)
    if spec.type == "choice":
        values = {normalise(option.value): option.value for option in spec.options}
        if key in values:
            return Parsed(True, values[key])
        if spec.otherwise is not None:
            return Parsed(True, spec.otherwise)
        if spec.free_text:
            return parse_text(spec, text)
        return Parsed(False, error=INVALID["choice"])
    if spec.type in ("scale", "number"):
        return parse_integer(spec, text, spec.type)
    if spec.type == "time":
        return parse_time(text, words)
    if spec.type == "timezone":
        return parse_timezone(text)
    if spec.type == "country":
        return parse_country(text, words)
    raise ValueError(f"unknown input type {spec.type}")
