"""Progress maths: totals a slip cannot take away, stretches, and the mood trend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.coaching.progress import DayRecord, ProgressSummary, summarise

TODAY = date(2024, 6, 30)


def day(days_ago: int, *, plan: bool | None = True, mood: int | None = 3) -> DayRecord:
    """Builds a check-in ``days_ago`` days before TODAY."""
    return DayRecord(TODAY - timedelta(days=days_ago), mood=mood, craving=4, went_to_plan=plan)


def test_no_records() -> None:
    assert summarise([], TODAY) == ProgressSummary(
        checkins=0,
        days_to_plan=0,
        best_stretch=0,
        current_stretch=0,
        total_days=0,
        first_day=None,
        mood_trend=None,
    )


def test_one_day() -> None:
    summary = summarise([day(0)], TODAY)

    assert summary == ProgressSummary(
        checkins=1,
        days_to_plan=1,
        best_stretch=1,
        current_stretch=1,
        total_days=1,
        first_day=TODAY,
        mood_trend=None,
    )


def test_a_slip_in_the_middle_keeps_what_was_built() -> None:
    # Five days to plan, one slip, two more to plan.
    records = [day(n) for n in range(7, 2, -1)] + [day(2, plan=False), day(1), day(0)]

    summary = summarise(records, TODAY)

    assert summary.checkins == 8
    assert summary.days_to_plan == 7  # the slip subtracts nothing
    assert summary.best_stretch == 5  # the best stretch is kept, not reset
    assert summary.current_stretch == 2
    assert summary.total_days == 8
    assert summary.first_day == TODAY - timedelta(days=7)


def test_a_slip_today_leaves_totals_and_best_stretch() -> None:
    summary = summarise([day(2), day(1), day(0, plan=False)], TODAY)

    assert (summary.days_to_plan, summary.best_stretch, summary.current_stretch) == (2, 2, 0)


def test_today_not_answered_yet_does_not_end_the_current_stretch() -> None:
    no_checkin_yet = summarise([day(3), day(2), day(1)], TODAY)
    mood_only_so_far = summarise([day(3), day(2), day(1), day(0, plan=None)], TODAY)

    assert no_checkin_yet.current_stretch == 3
    assert mood_only_so_far.current_stretch == 3
    assert mood_only_so_far.checkins == 4


def test_gaps_break_a_stretch_but_count_towards_total_days() -> None:
    # Days 10..8 to plan, nothing on 7..5, days 4..3 to plan, nothing since.
    records = [day(10), day(9), day(8), day(4), day(3)]

    summary = summarise(records, TODAY)

    assert summary.checkins == 5
    assert summary.days_to_plan == 5
    assert summary.best_stretch == 3
    assert summary.current_stretch == 0  # yesterday had no check-in
    assert summary.total_days == 11
    assert summary.first_day == TODAY - timedelta(days=10)


def test_unanswered_plan_question_is_neither_to_plan_nor_a_slip() -> None:
    summary = summarise([day(2), day(1, plan=None), day(0)], TODAY)

    assert summary.checkins == 3
    assert summary.days_to_plan == 2
    assert summary.best_stretch == 1


def test_order_duplicates_and_future_records() -> None:
    records = [
        day(0),
        day(1, plan=False),
        day(1),  # a corrected check-in replaces the first one for the day
        day(-1),  # after today: ignored
    ]

    summary = summarise(records, TODAY)

    assert summary.checkins == 2
    assert summary.days_to_plan == 2
    assert summary.current_stretch == 2


def test_long_history() -> None:
    records = [day(n, plan=n % 10 != 0) for n in range(365)]

    summary = summarise(records, TODAY)

    assert summary.checkins == 365
    assert summary.days_to_plan == 365 - 37
    assert summary.best_stretch == 9
    assert summary.total_days == 365


@pytest.mark.parametrize(
    ("earlier", "recent", "trend"),
    [
        ([2, 2, 2, 2], [4, 4, 4, 4], "up"),
        ([4, 4, 4, 4], [2, 2, 2, 2], "down"),
        ([3, 3, 3, 3], [3, 3, 4, 3], "steady"),
        ([3, 3], [4, 4, 4, 4], None),  # too little in the earlier week
        ([3, 3, 3, 3], [4, 4], None),  # too little in the recent week
    ],
)
def test_mood_trend(earlier: list[int], recent: list[int], trend: str | None) -> None:
    # Recent week: today and the 6 days before; earlier week: the 7 days before that.
    records = [day(n, mood=mood) for n, mood in enumerate(recent)]
    records += [day(7 + n, mood=mood) for n, mood in enumerate(earlier)]

    assert summarise(records, TODAY).mood_trend == trend


def test_mood_trend_ignores_days_without_a_mood_answer() -> None:
    records = [day(n, mood=4) for n in range(3)] + [day(3, mood=None), day(4, mood=None)]
    records += [day(7 + n, mood=2) for n in range(3)]

    assert summarise(records, TODAY).mood_trend == "up"


@pytest.mark.parametrize(
    ("mood", "craving"),
    [(0, 5), (6, 5), (3, -1), (3, 11)],
    ids=["mood0", "mood6", "craving-1", "craving11"],
)
def test_out_of_range_answers_are_rejected(mood: int, craving: int) -> None:
    with pytest.raises(ValueError, match="mood|craving"):
        DayRecord(TODAY, mood=mood, craving=craving, went_to_plan=None)
