"""When is the next check-in? Next-occurrence maths on the person's own wall clock.

Everything here is pure: instants go in and out as aware datetimes, the caller supplies "now",
and results are always in UTC (ready for a ``due_at`` column). The person's clock is an IANA zone
name (``"Europe/London"``) or a ``ZoneInfo``.

Daylight-saving rules, chosen so a reminder never comes at a surprising time and never twice:

* A wall time that does not exist that day (the spring-forward gap) fires at the first valid
  instant after the gap: 02:30 in New York on the March change fires at 03:00 EDT.
* A wall time that happens twice (the fall-back overlap) fires once, at its first occurrence.
* A whole local day that a zone skips (Samoa, 30 December 2011) gets no daily occurrence.

Usage::

    >>> from datetime import datetime, time, timezone
    >>> next_daily_at(time(9, 0), "Europe/London", datetime(2024, 3, 30, 12, tzinfo=timezone.utc))
    datetime.datetime(2024, 3, 31, 8, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "local_date",
    "is_stale",
    "next_daily_at",
    "next_on_weekday",
    "on_local_date",
    "shift_out_of_quiet_hours",
]

# How many local dates ahead to look for a weekly occurrence: one week, plus room for a zone that
# skips a whole day (the search never needs more, but a bound keeps a bug from looping forever).
_SEARCH_DAYS = 16


def next_daily_at(local_time: time, tz: str | ZoneInfo, after: datetime) -> datetime:
    """Returns the first instant strictly after ``after`` at which ``tz`` reads ``local_time``.

    Args:
        local_time: The wall-clock time the person chose, without tzinfo.
        tz: The person's IANA timezone name or ``ZoneInfo``.
        after: An aware instant, usually "now" or the occurrence just sent.

    Returns:
        The next occurrence as an aware UTC datetime.

    Raises:
        ValueError: ``after`` is naive, ``local_time`` carries a tzinfo, or ``tz`` is unknown.
    """
    return _next_matching(local_time, _zone(tz), after, lambda _day: True)


def next_on_weekday(
    local_time: time, weekday: int, tz: str | ZoneInfo, after: datetime
) -> datetime:
    """Returns the first instant strictly after ``after`` at ``local_time`` on a local ``weekday``.

    Used for weekly summaries and plan steps that fall on a given day.

    Args:
        local_time: The wall-clock time, without tzinfo.
        weekday: The local day of the week, 0 = Monday .. 6 = Sunday (as ``date.weekday()``).
        tz: The person's IANA timezone name or ``ZoneInfo``.
        after: An aware instant.

    Returns:
        The next occurrence as an aware UTC datetime.

    Raises:
        ValueError: ``weekday`` is outside 0..6, ``after`` is naive, ``local_time`` carries a
            tzinfo, or ``tz`` is unknown.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {weekday}")
    return _next_matching(local_time, _zone(tz), after, lambda day: day.weekday() == weekday)


def on_local_date(local_time: time, day: date, tz: str | ZoneInfo) -> datetime:
    """Returns the instant when the clock in ``tz`` reads ``local_time`` on the local date ``day``.

    For a one-off reminder. The same DST rules apply: a time in the spring-forward gap moves to
    the end of the gap, an ambiguous time means its first occurrence.

    Args:
        local_time: The wall-clock time, without tzinfo.
        day: The person's local calendar date.
        tz: The person's IANA timezone name or ``ZoneInfo``.

    Returns:
        An aware UTC datetime.

    Raises:
        ValueError: ``local_time`` carries a tzinfo, or ``tz`` is unknown.
    """
    return _resolve(day, _wall_time(local_time), _zone(tz))


def shift_out_of_quiet_hours(
    due: datetime,
    quiet_start: time | None,
    quiet_end: time | None,
    tz: str | ZoneInfo,
) -> datetime:
    """Moves a due instant that falls in the person's quiet hours to the end of them.

    Quiet hours run from ``quiet_start`` (inclusive) to ``quiet_end`` (exclusive) on the local
    clock and may wrap midnight (22:00-07:00). A nudge due at 23:10 moves to 07:00 the next local
    day; one due at 05:00 moves to 07:00 the same day. Outside quiet hours nothing changes.

    Args:
        due: The aware instant the nudge is due.
        quiet_start: Local start of quiet hours, or None for no quiet hours.
        quiet_end: Local end of quiet hours, or None for no quiet hours.
        tz: The person's IANA timezone name or ``ZoneInfo``.

    Returns:
        The (possibly moved) due instant as an aware UTC datetime.

    Raises:
        ValueError: ``due`` is naive, a quiet time carries a tzinfo, or ``tz`` is unknown.
    """
    _require_aware(due, "due")
    zone = _zone(tz)
    if quiet_start is None or quiet_end is None:
        return due.astimezone(UTC)
    start, end = _wall_time(quiet_start), _wall_time(quiet_end)
    local = due.astimezone(zone)
    now = local.time().replace(tzinfo=None, fold=0)
    if start == end:
        # An empty window: "from 22:00 to 22:00" is more likely a mistake than 24 h of silence.
        return due.astimezone(UTC)
    if start < end:
        inside, end_day = start <= now < end, local.date()
    else:
        inside = now >= start or now < end
        # Evening part of a wrapping window ends tomorrow morning; the early-morning part today.
        end_day = local.date() + timedelta(days=1) if now >= start else local.date()
    if not inside:
        return due.astimezone(UTC)
    return _resolve(end_day, end, zone)


def is_stale(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Tells whether a nudge is overdue by more than ``grace`` (so sending it now would be odd).

    Args:
        due_at: The aware instant the nudge was due.
        now: The aware current instant.
        grace: How late a nudge may still go out; must not be negative.

    Returns:
        True when ``now`` is more than ``grace`` past ``due_at``.

    Raises:
        ValueError: An instant is naive or ``grace`` is negative.
    """
    _require_aware(due_at, "due_at")
    _require_aware(now, "now")
    if grace < timedelta(0):
        raise ValueError(f"grace must not be negative, got {grace}")
    return now - due_at > grace


def local_date(instant: datetime, tz: str | ZoneInfo) -> date:
    """Returns the person's local calendar date at ``instant``.

    Args:
        instant: An aware instant.
        tz: The person's IANA timezone name or ``ZoneInfo``.

    Raises:
        ValueError: ``instant`` is naive or ``tz`` is unknown.
    """
    _require_aware(instant, "instant")
    return instant.astimezone(_zone(tz)).date()


def _next_matching(
    local_time: time, zone: ZoneInfo, after: datetime, day_ok: Callable[[date], bool]
) -> datetime:
    """Returns the first occurrence after ``after`` on a local date accepted by ``day_ok``."""
    _require_aware(after, "after")
    wall = _wall_time(local_time)
    # An occurrence on an earlier local date lies on that date, so before ``after``: start today.
    start = after.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS):
        day = start + timedelta(days=offset)
        if not day_ok(day):
            continue
        instant = _resolve(day, wall, zone)
        # A skipped local day resolves onto the next date; firing there would repeat that date.
        if instant.astimezone(zone).date() != day:
            continue
        if instant > after:
            return instant
    raise AssertionError(f"no occurrence within {_SEARCH_DAYS} days of {after}")  # pragma: no cover


def _resolve(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """Maps a local date and wall time to UTC: first occurrence if ambiguous, gap end if missing."""
    # fold=0 is the earlier of two readings of an ambiguous wall time (PEP 495).
    local = datetime.combine(day, wall, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # The wall time falls in a gap. fold=0 reads it with the offset before the transition and
    # fold=1 with the offset after; the transition itself lies between the two readings.
    readings = sorted((instant, local.replace(fold=1).astimezone(UTC)))
    return _transition_between(readings[0], readings[1], zone)


def _transition_between(lo: datetime, hi: datetime, zone: tzinfo) -> datetime:
    """Returns the first whole second in (lo, hi] whose UTC offset in ``zone`` equals hi's."""
    target = hi.astimezone(zone).utcoffset()
    low, high = 0, int((hi - lo).total_seconds())
    # Offsets change on whole seconds, so bisect on seconds from lo; high always has the new offset.
    base = lo.replace(microsecond=0)
    while high - low > 1:
        mid = (low + high) // 2
        if (base + timedelta(seconds=mid)).astimezone(zone).utcoffset() == target:
            high = mid
        else:
            low = mid
    return base + timedelta(seconds=high)


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    """Returns the ZoneInfo for a name, with a ValueError that says what to pass instead."""
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown timezone {tz!r}: use an IANA name such as 'Europe/London'"
        ) from exc


def _wall_time(value: time) -> time:
    """Checks that a time-of-day is a plain wall-clock time and drops any fold."""
    if value.tzinfo is not None:
        raise ValueError(f"local time must not carry a tzinfo, got {value!r}; pass the zone as tz")
    return value.replace(fold=0)


def _require_aware(value: datetime, name: str) -> None:
    """Rejects naive datetimes, which would silently be read as the server's local time."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
