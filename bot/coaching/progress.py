"""Progress that doesn't punish: totals that only grow, and a best stretch that is never lost.

A classic streak counter drops to zero after one slip, and people in recovery say that feels
like losing everything. This summary leads with numbers a slip cannot take away (check-ins, days
that went to plan, the best stretch so far); the current stretch is there for those who want it,
and a day that is not over yet never ends it.

Usage::

    >>> from datetime import date
    >>> days = [DayRecord(date(2024, 6, d), 3, 4, went_to_plan=d != 2) for d in (1, 2, 3)]
    >>> summary = summarise(days, today=date(2024, 6, 3))
    >>> summary.days_to_plan, summary.best_stretch, summary.current_stretch
    (2, 1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Literal

__all__ = ["DayRecord", "MoodTrend", "ProgressSummary", "merge_day", "summarise"]

MOOD_MIN, MOOD_MAX = 1, 5
CRAVING_MIN, CRAVING_MAX = 0, 10

# Mood trend compares the last TREND_WINDOW_DAYS (today included) with the window before. Each
# window needs a few answers, or one bad day would read as a trend.
TREND_WINDOW_DAYS = 7
TREND_MIN_ANSWERS = 3
# A change in average mood smaller than this (on the 1..5 scale) reads as "steady".
TREND_THRESHOLD = 0.5

MoodTrend = Literal["up", "down", "steady"]


@dataclass(frozen=True)
class DayRecord:
    """One day's check-in; any answer may be missing.

    Attributes:
        day: The person's local date.
        mood: 1 (very hard) .. 5 (great), or None if not answered.
        craving: 0 (none) .. 10 (strongest), or None if not answered.
        went_to_plan: Whether the day went to plan; None if not answered or there is no plan.
    """

    day: date
    mood: int | None
    craving: int | None
    went_to_plan: bool | None

    def __post_init__(self) -> None:
        """Rejects out-of-range answers, which would skew every average after them."""
        if self.mood is not None and not MOOD_MIN <= self.mood <= MOOD_MAX:
            raise ValueError(f"mood must be {MOOD_MIN}..{MOOD_MAX} or None, got {self.mood}")
        if self.craving is not None and not CRAVING_MIN <= self.craving <= CRAVING_MAX:
            raise ValueError(
                f"craving must be {CRAVING_MIN}..{CRAVING_MAX} or None, got {self.craving}"
            )


@dataclass(frozen=True)
class ProgressSummary:
    """What someone has built so far.

    Attributes:
        checkins: Days with a check-in, all time.
        days_to_plan: Days that went to plan, all time; a slip never subtracts.
        best_stretch: Longest run of consecutive calendar days that went to plan.
        current_stretch: The run ending today, or yesterday while today is still unanswered.
        total_days: Days from the first check-in to today, inclusive (0 before any check-in).
        first_day: Date of the first check-in, or None.
        mood_trend: "up", "down" or "steady" comparing the last 7 days with the 7 before, or
            None when either week has too few mood answers to say.
    """

    checkins: int
    days_to_plan: int
    best_stretch: int
    current_stretch: int
    total_days: int
    first_day: date | None
    mood_trend: MoodTrend | None


def merge_day(records: Sequence[DayRecord]) -> DayRecord:
    """One day's check-ins as one record: the day went to plan if any check-in said so (a
    good morning isn't lost to a hard evening), mood is their average, craving the strongest."""
    moods = [r.mood for r in records if r.mood is not None]
    cravings = [r.craving for r in records if r.craving is not None]
    went = [r.went_to_plan for r in records if r.went_to_plan is not None]
    return DayRecord(
        records[0].day,
        int(fmean(moods) + 0.5) if moods else None,
        max(cravings) if cravings else None,
        any(went) if went else None,
    )


def summarise(records: Sequence[DayRecord], today: date) -> ProgressSummary:
    """Summarises check-ins up to and including ``today``.

    Records may come in any order. Records after ``today`` are ignored. If one day appears more
    than once, the last record for it wins (a corrected check-in replaces the first).

    Args:
        records: The person's check-ins.
        today: The person's local date.

    Returns:
        The summary.
    """
    by_day = {record.day: record for record in records if record.day <= today}
    to_plan = {day for day, record in by_day.items() if record.went_to_plan is True}
    first_day = min(by_day, default=None)
    return ProgressSummary(
        checkins=len(by_day),
        days_to_plan=len(to_plan),
        best_stretch=_longest_run(to_plan),
        current_stretch=_current_run(to_plan, by_day, today),
        total_days=(today - first_day).days + 1 if first_day is not None else 0,
        first_day=first_day,
        mood_trend=_mood_trend(by_day, today),
    )


def _longest_run(days: set[date]) -> int:
    """Returns the length of the longest run of consecutive dates in ``days``."""
    best = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue  # not the start of a run
        length = _run_from(day, days, step=1)
        best = max(best, length)
    return best


def _current_run(to_plan: set[date], by_day: dict[date, DayRecord], today: date) -> int:
    """Returns the run of to-plan days ending today, or yesterday if today is not answered yet."""
    answered_today = today in by_day and by_day[today].went_to_plan is not None
    end = today if answered_today else today - timedelta(days=1)
    return _run_from(end, to_plan, step=-1)


def _run_from(start: date, days: set[date], step: int) -> int:
    """Counts consecutive dates in ``days`` from ``start`` going ``step`` days at a time."""
    length, day = 0, start
    while day in days:
        length += 1
        day += timedelta(days=step)
    return length


def _mood_trend(by_day: dict[date, DayRecord], today: date) -> MoodTrend | None:
    """Compares average mood this week with last week; None when there is too little to say."""
    recent = _moods(by_day, today, TREND_WINDOW_DAYS)
    earlier = _moods(by_day, today - timedelta(days=TREND_WINDOW_DAYS), TREND_WINDOW_DAYS)
    if len(recent) < TREND_MIN_ANSWERS or len(earlier) < TREND_MIN_ANSWERS:
        return None
    change = fmean(recent) - fmean(earlier)
    if change >= TREND_THRESHOLD:
        return "up"
    if change <= -TREND_THRESHOLD:
        return "down"
    return "steady"


def _moods(by_day: dict[date, DayRecord], last: date, days: int) -> list[int]:
    """Returns the mood answers in the ``days`` days ending on ``last``."""
    window = (by_day.get(last - timedelta(days=n)) for n in range(days))
    return [record.mood for record in window if record is not None and record.mood is not None]
