"""Coaching hours: is someone around now, and if not, when will they be?

COACHING_HOURS is "HH:MM-HH:MM" in COACHING_TIMEZONE; a window may cross midnight
("22:00-06:00"). Unset means coaches may be around at any time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def _parse(hours: str) -> tuple[time, time]:
    start, end = hours.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def within_hours(now: datetime, hours: str | None, zone: str) -> bool:
    """Whether `now` (aware) falls inside the coaching hours."""
    if not hours:
        return True
    start, end = _parse(hours)
    local = now.astimezone(ZoneInfo(zone)).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def next_opening(now: datetime, hours: str | None, zone: str) -> datetime | None:
    """When coaching hours next begin (aware, in the coaching zone); None while open."""
    if within_hours(now, hours, zone):
        return None
    assert hours is not None
    start, _ = _parse(hours)
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    for days in range(0, 3):
        day = (local + timedelta(days=days)).date()
        candidate = datetime.combine(day, start, tzinfo=tz)
        if candidate > local:
            return candidate
    raise AssertionError("coaching hours always open within two days")
