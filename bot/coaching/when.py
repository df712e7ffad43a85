"""When a plan step happens: some weekdays, every day, a date, or no particular day.

People type this in many ways ("monday", "every Tue", "mon and thu", "weekdays", "every
day", "tomorrow", "12 December", "Dec 3", "2026-12-03"). `read_when` turns it into weekday
numbers or a date in the person's own calendar, or says it could not. The words (day and
month names, "every", "and", "tomorrow"...) are the locale's, in resources/input/<locale>.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot import yamlio
from bot.paths import RESOURCES_DIR

EVERY_DAY = tuple(range(7))


@dataclass(frozen=True)
class DateWords:
    """A locale's words for days and dates (`dates:` in resources/input/<locale>.yaml)."""

    weekdays: tuple[str, ...]  # monday first
    months: tuple[str, ...]  # january first
    fillers: re.Pattern[str]  # words that carry no meaning here ("every", "on", "the", "1st")
    joiners: re.Pattern[str]  # what joins several days ("and", ",", "&")
    groups: dict[str, tuple[int, ...]]  # several days in one word ("weekends")
    today: frozenset[str]
    tomorrow: frozenset[str]


@functools.lru_cache(maxsize=8)
def date_words(locale: str = "en") -> DateWords:
    """The locale's day and date words."""
    data = yamlio.safe_load((RESOURCES_DIR / "input" / f"{locale}.yaml").read_text(
        encoding="utf-8"))["dates"]
    fillers = "|".join(re.escape(w) for w in data["fillers"])
    suffixes = "|".join(re.escape(w) for w in data.get("ordinal_suffixes") or [])
    filler_re = rf"\b({fillers})\b" + (rf"|(?<=\d)({suffixes})\b" if suffixes else "")
    joiners = "|".join(rf"\b{re.escape(w)}\b" for w in data["joiners"])
    groups = {str(word): tuple(int(d) for d in days)
              for word, days in data["groups"].items()}
    return DateWords(tuple(data["weekdays"]), tuple(data["months"]), re.compile(filler_re),
                     re.compile(rf"\s*(?:,|/|&|\+|{joiners})\s*"), groups,
                     frozenset(data["today"]), frozenset(data["tomorrow"]))


@dataclass(frozen=True)
class When:
    """The days of a step: some weekdays (every week), or one date, or neither."""

    weekdays: tuple[int, ...] = ()
    on_date: date | None = None


def _weekday(word: str, names: tuple[str, ...]) -> int | None:
    if len(word) < 3:
        return None
    for number, name in enumerate(names):
        if name.startswith(word) or word in (name + "s", name[:3] + "s"):
            return number
    return None


def _month(word: str, names: tuple[str, ...]) -> int | None:
    if len(word) < 3:
        return None
    for number, name in enumerate(names, start=1):
        if name.startswith(word):
            return number
    return None


def _next_date(month: int, day: int, year: int | None, today: date) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        if candidate < today:
            candidate = date(today.year + 1, month, day)
        return candidate
    except ValueError:
        return None


def read_when(text: str, today: date, locale: str = "en") -> When | None:
    """A weekday or a date from what the person typed; None when it is not one.

    Args:
        text: what the person typed.
        today: the person's local date (relative words and year-less dates count from it).
        locale: whose day and month names, fillers and joiners to read it with.
    """
    lang = date_words(locale)
    key = text.strip().lower()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
        try:
            return When(on_date=date.fromisoformat(key))
        except ValueError:
            return None
    if key in lang.today:
        return When(on_date=today)
    if key in lang.tomorrow:
        return When(on_date=today + timedelta(days=1))
    plain = " ".join(lang.fillers.sub(" ", key.replace(".", " ")).split())
    if plain in lang.groups:
        return When(weekdays=lang.groups[plain])
    parts = [p for p in lang.joiners.split(plain) if p]
    days = [_weekday(p, lang.weekdays) for p in parts]
    if parts and all(d is not None for d in days):
        return When(weekdays=tuple(sorted({d for d in days if d is not None})))
    words = plain.replace(",", " ").split()
    numbers = [int(word) for word in words if word.isdigit()]
    months = [m for m in (_month(word, lang.months) for word in words if not word.isdigit())
              if m]
    others = [w for w in words if not w.isdigit() and _month(w, lang.months) is None]
    if len(months) == 1 and 1 <= len(numbers) <= 2 and not others:
        day = next((n for n in numbers if n <= 31), None)
        year = next((n for n in numbers if n >= 1000), None)
        if day is None or (len(numbers) == 2 and year is None):
            return None
        found = _next_date(months[0], day, year, today)
        return When(on_date=found) if found else None
    return None
