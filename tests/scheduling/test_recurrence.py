"""Next-occurrence maths on the person's wall clock, across DST changes and odd offsets.

Time is always injected as plain datetimes: no sleeping, no clock patching.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import (
    is_stale,
    local_date,
    next_daily_at,
    next_on_weekday,
    on_local_date,
    shift_out_of_quiet_hours,
)

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
ZONES = [NEW_YORK, LONDON, LORD_HOWE, KATHMANDU]


def utc(*args: int) -> datetime:
    """Builds an aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    """Builds an aware datetime on ``zone``'s wall clock."""
    return datetime(*args, tzinfo=zone, fold=fold)  # type: ignore[misc]


def wall_exists(day: date, wall: time, zone: ZoneInfo) -> bool:
    """Tells whether ``wall`` is shown by the clock in ``zone`` on ``day``."""
    naive = datetime.combine(day, wall)
    round_trip = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == naive


# --- Spring forward: a time that does not exist that day -------------------------------------


@pytest.mark.parametrize(
    ("zone", "wall", "after", "expected_local"),
    [
        # New York, 10 March 2024: 02:00 EST -> 03:00 EDT.
        (NEW_YORK, time(2, 30), utc(2024, 3, 9, 12), (2024, 3, 10, 3, 0)),
        (NEW_YORK, time(2, 0), utc(2024, 3, 9, 12), (2024, 3, 10, 3, 0)),
        # London, 31 March 2024: 01:00 GMT -> 02:00 BST.
        (LONDON, time(1, 30), utc(2024, 3, 30, 12), (2024, 3, 31, 2, 0)),
        # Lord Howe, 6 October 2024: 02:00 +10:30 -> 02:30 +11, a 30-minute gap.
        (LORD_HOWE, time(2, 15), utc(2024, 10, 5, 0), (2024, 10, 6, 2, 30)),
    ],
)
def test_time_in_the_gap_fires_at_the_end_of_the_gap(
    zone: ZoneInfo, wall: time, after: datetime, expected_local: tuple[int, ...]
) -> None:
    due = next_daily_at(wall, zone, after)

    assert due == local(zone, *expected_local)
    assert due.tzinfo is UTC
    # It is the very first instant of the new offset, not an hour (or half hour) later.
    assert (due - timedelta(seconds=1)).astimezone(zone).utcoffset() != due.astimezone(
        zone
    ).utcoffset()


def test_new_york_gap_fires_at_3am_edt_then_back_to_the_chosen_time() -> None:
    first = next_daily_at(time(2, 30), "America/New_York", utc(2024, 3, 9, 12))
    second = next_daily_at(time(2, 30), "America/New_York", first)

    assert first == utc(2024, 3, 10, 7, 0)  # 03:00 EDT
    assert second.astimezone(NEW_YORK) == local(NEW_YORK, 2024, 3, 11, 2, 30)


def test_times_around_the_gap_are_untouched() -> None:
    before = next_daily_at(time(1, 59), NEW_YORK, utc(2024, 3, 9, 12))
    after = next_daily_at(time(3, 0), NEW_YORK, utc(2024, 3, 9, 12))

    assert before.astimezone(NEW_YORK).time() == time(1, 59)
    assert after.astimezone(NEW_YORK).time() == time(3, 0)
    assert after == utc(2024, 3, 10, 7, 0)


# --- Fall back: a time that happens twice ------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "wall", "day_before", "first_utc"),
    [
        # New York, 3 November 2024: 01:00-02:00 happens in EDT, then again in EST.
        (NEW_YORK, time(1, 30), utc(2024, 11, 2, 12), utc(2024, 11, 3, 5, 30)),
        # London, 27 October 2024: 01:00-02:00 happens in BST, then again in GMT.
        (LONDON, time(1, 30), utc(2024, 10, 26, 12), utc(2024, 10, 27, 0, 30)),
        # Lord Howe, 7 April 2024: 01:30-02:00 happens at +11, then again at +10:30.
        (LORD_HOWE, time(1, 45), utc(2024, 4, 6, 0), utc(2024, 4, 6, 14, 45)),
    ],
)
def test_ambiguous_time_fires_once_at_the_first_occurrence(
    zone: ZoneInfo, wall: time, day_before: datetime, first_utc: datetime
) -> None:
    first = next_daily_at(wall, zone, day_before)
    following = next_daily_at(wall, zone, first)
    # The same wall time read a second time, after the clocks went back (computed in UTC, since
    # aware arithmetic in one zone is wall-clock arithmetic and would drop the fold).
    second_reading = local(zone, *first.astimezone(zone).timetuple()[:5], fold=1).astimezone(UTC)

    assert first == first_utc
    assert first.astimezone(zone).fold == 0
    # Asked again from the first firing, or from inside the repeated hour: tomorrow, not today.
    assert following.astimezone(zone).date() == first.astimezone(zone).date() + timedelta(days=1)
    assert second_reading > first
    assert next_daily_at(wall, zone, second_reading - timedelta(minutes=1)) == following
    assert following.astimezone(zone).time() == wall


def test_kathmandu_quarter_hour_offset() -> None:
    due = next_daily_at(time(9, 0), "Asia/Kathmandu", utc(2024, 6, 1, 0))

    assert due == utc(2024, 6, 1, 3, 15)  # +05:45


def test_result_is_strictly_after() -> None:
    occurrence = utc(2024, 6, 1, 3, 15)

    assert next_daily_at(time(9, 0), KATHMANDU, occurrence) == occurrence + timedelta(days=1)
    assert next_daily_at(time(9, 0), KATHMANDU, occurrence - timedelta(microseconds=1)) == (
        occurrence
    )


def test_after_in_another_offset_is_read_as_the_same_instant() -> None:
    after = datetime(2024, 6, 1, 7, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # 14:00Z

    assert next_daily_at(time(16, 0), LONDON, after) == utc(2024, 6, 1, 15, 0)


def test_skipped_local_day_gets_no_occurrence_and_no_repeat() -> None:
    # Samoa skipped 30 December 2011 when it crossed the date line.
    apia = ZoneInfo("Pacific/Apia")
    first = next_daily_at(time(9, 0), apia, local(apia, 2011, 12, 29, 12, 0))

    assert first.astimezone(apia) == local(apia, 2011, 12, 31, 9, 0)


# --- A year of daily check-ins in each zone ----------------------------------------------------


# Times inside the 2024 gaps and overlaps of these zones, plus ordinary ones.
WALLS = [time(0, 0), time(1, 30), time(1, 45), time(2, 15), time(2, 30), time(9, 0), time(23, 59)]


@pytest.mark.parametrize("zone", ZONES, ids=lambda zone: zone.key)
@pytest.mark.parametrize("wall", WALLS, ids=str)
def test_a_year_of_daily_occurrences_reads_the_chosen_wall_time(zone: ZoneInfo, wall: time) -> None:
    due = datetime(2024, 1, 1, tzinfo=zone) - timedelta(days=1)
    seen: list[date] = []
    gap_days = 0
    for _ in range(366):
        due = next_daily_at(wall, zone, due)
        shown = due.astimezone(zone)
        if wall_exists(shown.date(), wall, zone):
            assert shown.time() == wall
            assert shown.fold == 0  # first occurrence of an ambiguous time
        else:
            # The gap day: the first instant after the gap, on the same local date.
            assert shown.time() > wall
            previous = (due - timedelta(seconds=1)).astimezone(zone)
            assert previous.utcoffset() != shown.utcoffset()
            gap_days += 1
        seen.append(shown.date())

    # One occurrence per local date, none repeated, none skipped.
    assert seen == [seen[0] + timedelta(days=n) for n in range(366)]
    assert gap_days <= 1  # at most the one spring-forward day a year


# --- Weekly and one-off ------------------------------------------------------------------------


def test_next_on_weekday_picks_the_local_weekday() -> None:
    monday = local(LONDON, 2024, 6, 3, 12, 0)
    sunday_evening = local(LONDON, 2024, 6, 9, 18, 0)

    assert next_on_weekday(time(18, 0), 6, LONDON, monday) == sunday_evening
    assert next_on_weekday(time(18, 0), 6, LONDON, sunday_evening - timedelta(minutes=1)) == (
        sunday_evening
    )
    assert next_on_weekday(time(18, 0), 6, LONDON, sunday_evening) == (
        local(LONDON, 2024, 6, 16, 18, 0)
    )


def test_next_on_weekday_uses_the_local_not_the_utc_day() -> None:
    # 20:30Z on Sunday is already Monday 02:15 in Kathmandu.
    after = utc(2024, 6, 2, 20, 30)

    assert next_on_weekday(time(8, 0), 0, KATHMANDU, after) == local(KATHMANDU, 2024, 6, 3, 8, 0)


def test_weekly_occurrences_keep_wall_time_across_dst() -> None:
    due = utc(2024, 1, 1)
    for _ in range(52):
        previous = due
        due = next_on_weekday(time(18, 0), 6, "Europe/London", due)
        shown = due.astimezone(LONDON)
        assert shown.weekday() == 6
        assert shown.time() == time(18, 0)
        if previous != utc(2024, 1, 1):
            assert shown.date() - previous.astimezone(LONDON).date() == timedelta(days=7)


@pytest.mark.parametrize("weekday", [-1, 7])
def test_next_on_weekday_rejects_bad_weekday(weekday: int) -> None:
    with pytest.raises(ValueError, match="weekday"):
        next_on_weekday(time(9, 0), weekday, LONDON, utc(2024, 1, 1))


def test_on_local_date() -> None:
    assert on_local_date(time(9, 0), date(2024, 7, 1), "Europe/London") == utc(2024, 7, 1, 8, 0)
    assert on_local_date(time(9, 0), date(2024, 1, 1), "Europe/London") == utc(2024, 1, 1, 9, 0)
    # Same DST rules as the daily helper.
    assert on_local_date(time(2, 30), date(2024, 3, 10), NEW_YORK) == utc(2024, 3, 10, 7, 0)
    assert on_local_date(time(1, 30), date(2024, 11, 3), NEW_YORK) == utc(2024, 11, 3, 5, 30)


def test_local_date() -> None:
    instant = utc(2024, 1, 1, 18, 20)

    assert local_date(instant, "Asia/Kathmandu") == date(2024, 1, 2)  # 00:05 local
    assert local_date(instant, "America/New_York") == date(2024, 1, 1)


# --- Quiet hours -------------------------------------------------------------------------------

QUIET_FROM, QUIET_TO = time(22, 0), time(7, 0)


@pytest.mark.parametrize(
    ("due_local", "expected_local"),
    [
        ((2024, 6, 3, 23, 10), (2024, 6, 4, 7, 0)),  # evening part: moves to tomorrow morning
        ((2024, 6, 3, 22, 0), (2024, 6, 4, 7, 0)),  # start is inclusive
        ((2024, 6, 4, 0, 0), (2024, 6, 4, 7, 0)),  # midnight
        ((2024, 6, 4, 5, 0), (2024, 6, 4, 7, 0)),  # early-morning part: moves to this morning
        ((2024, 6, 4, 7, 0), (2024, 6, 4, 7, 0)),  # end is exclusive
        ((2024, 6, 3, 21, 59), (2024, 6, 3, 21, 59)),  # outside: unchanged
        ((2024, 6, 3, 12, 0), (2024, 6, 3, 12, 0)),
    ],
)
def test_quiet_hours_wrapping_midnight(
    due_local: tuple[int, ...], expected_local: tuple[int, ...]
) -> None:
    due = local(LONDON, *due_local)

    moved = shift_out_of_quiet_hours(due, QUIET_FROM, QUIET_TO, "Europe/London")

    assert moved == local(LONDON, *expected_local)
    assert moved.tzinfo is UTC


def test_quiet_hours_within_one_day() -> None:
    nap_from, nap_to = time(13, 0), time(15, 0)

    inside = shift_out_of_quiet_hours(local(LONDON, 2024, 6, 3, 14, 0), nap_from, nap_to, LONDON)
    outside = shift_out_of_quiet_hours(local(LONDON, 2024, 6, 3, 16, 0), nap_from, nap_to, LONDON)

    assert inside == local(LONDON, 2024, 6, 3, 15, 0)
    assert outside == local(LONDON, 2024, 6, 3, 16, 0)


def test_quiet_hours_are_read_on_the_local_clock() -> None:
    # 17:00Z is 22:45 in Kathmandu: quiet there, though it is only evening in UTC.
    moved = shift_out_of_quiet_hours(utc(2024, 6, 3, 17, 0), QUIET_FROM, QUIET_TO, KATHMANDU)

    assert moved == local(KATHMANDU, 2024, 6, 4, 7, 0)


def test_quiet_end_in_a_dst_gap_moves_to_the_end_of_the_gap() -> None:
    moved = shift_out_of_quiet_hours(
        local(NEW_YORK, 2024, 3, 10, 1, 0), time(23, 0), time(2, 30), NEW_YORK
    )

    assert moved == utc(2024, 3, 10, 7, 0)  # 03:00 EDT


@pytest.mark.parametrize(
    ("quiet_from", "quiet_to"),
    [(None, None), (None, QUIET_TO), (QUIET_FROM, None), (QUIET_FROM, QUIET_FROM)],
)
def test_no_quiet_hours_leaves_due_unchanged(
    quiet_from: time | None, quiet_to: time | None
) -> None:
    due = local(LONDON, 2024, 6, 3, 23, 10)

    assert shift_out_of_quiet_hours(due, quiet_from, quiet_to, LONDON) == due


# --- Staleness ---------------------------------------------------------------------------------


def test_is_stale() -> None:
    due = utc(2024, 6, 3, 9, 0)
    grace = timedelta(hours=2)

    assert not is_stale(due, due, grace)
    assert not is_stale(due, due + grace, grace)  # exactly at the limit: still sendable
    assert is_stale(due, due + grace + timedelta(seconds=1), grace)
    assert not is_stale(due, due - timedelta(hours=5), grace)  # not yet due


def test_is_stale_rejects_negative_grace() -> None:
    with pytest.raises(ValueError, match="grace"):
        is_stale(utc(2024, 1, 1), utc(2024, 1, 1), timedelta(seconds=-1))


# --- Bad input ---------------------------------------------------------------------------------

NAIVE = datetime(2024, 6, 3, 9, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_daily_at(time(9, 0), LONDON, NAIVE),
        lambda: next_on_weekday(time(9, 0), 0, LONDON, NAIVE),
        lambda: shift_out_of_quiet_hours(NAIVE, QUIET_FROM, QUIET_TO, LONDON),
        lambda: shift_out_of_quiet_hours(NAIVE, None, None, LONDON),
        lambda: is_stale(NAIVE, utc(2024, 1, 1), timedelta(0)),
        lambda: is_stale(utc(2024, 1, 1), NAIVE, timedelta(0)),
        lambda: local_date(NAIVE, LONDON),
    ],
    ids=[
        "next_daily_at",
        "next_on_weekday",
        "quiet_hours",
        "quiet_hours_none",
        "is_stale_due",
        "is_stale_now",
        "local_date",
    ],
)
def test_naive_datetimes_are_rejected(call: object) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()  # type: ignore[operator]


def test_local_time_with_tzinfo_is_rejected() -> None:
    with pytest.raises(ValueError, match="tzinfo"):
        next_daily_at(time(9, 0, tzinfo=UTC), LONDON, utc(2024, 1, 1))


def test_unknown_timezone_is_rejected_with_a_hint() -> None:
    with pytest.raises(ValueError, match="IANA"):
        next_daily_at(time(9, 0), "Mars/Olympus_Mons", utc(2024, 1, 1))
