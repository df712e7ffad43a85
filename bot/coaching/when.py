"""When a plan step happens: some weekdays, every day, a date, or no particular day.

People type this in many ways ("monday", "every Tue", "mon and thu", "weekdays", "every
day", "tomorrow", "12 December", "Dec 3", "2026-12-03"). `read_when` turns it into weekday
numbers or a date in the person's own calendar, or says it could not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_FILLER = re.compile(r"\b(every|each|on|the|this|next|of|at|by|in|from)\b|(?<=\d)(st|nd|rd|th)\b")
_JOINERS = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bor\b)\s*")
EVERY_DAY = tuple(range(7))
GROUPS = {  # several days in one word (matched on the whole answer, fillers removed)
    "day": EVERY_DAY, "days": EVERY_DAY, "daily": EVERY_DAY, "everyday": EVERY_DAY,
    "weekday": (0, 1, 2, 3, 4), "weekdays": (0, 1, 2, 3, 4),
    "weekend": (5, 6), "weekends": (5, 6),
}


@dataclass(frozen=True)
class When:
    """The days of a step: some weekdays (every week), or one date, or neither."""

    weekdays: tuple[int, ...] = ()
    on_date: date | None = None


def _weekday(word: str) -> int | None:
    if len(word) < 3:
        return None
    for number, name in enumerate(WEEKDAYS):
        if name.startswith(word) or word in (name + "s", name[:3] + "s"):
            return number
    return None


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
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


def read_when(text: str, today: date) -> When | None:
    """A weekday or a date from what the person typed; None when it is not one.

    Args:
        text: what the person typed.
        today: the person's local date (relative words and year-less dates count from it).
    """
    key = text.strip().lower()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
        try:
            return When(on_date=date.fromisoformat(key))
        except ValueError:
            return None
    if key in ("today", "tonight"):
        return When(on_date=today)
    if key == "tomorrow":
        return When(on_date=today + timedelta(days=1))
    plain = " ".join(_FILLER.sub(" ", key.replace(".", " ")).split())
    if plain in GROUPS:
        return When(weekdays=GROUPS[plain])
    parts = [p for p in _JOINERS.split(plain) if p]
    days = [_weekday(p) for p in parts]
    if parts and all(d is not None for d in days):
        return When(weekdays=tuple(sorted({d for d in days if d is not None})))
    words = plain.replace(",", " ").split()
    numbers = [int(word) for word in words if word.isdigit()]
    months = [m for m in (_month(word) for word in words if not word.isdigit()) if m]
    others = [w for w in words if not w.isdigit() and _month(w) is None]
    if len(months) == 1 and 1 <= len(numbers) <= 2 and not others:
        day = next((n for n in numbers if n <= 31), None)
        year = next((n for n in numbers if n >= 1000), None)
        if day is None or (len(numbers) == 2 and year is None):
            return None
        found = _next_date(months[0], day, year, today)
        return When(on_date=found) if found else None
    return None
