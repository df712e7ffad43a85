"""The dispatcher driven by an injected clock: no sleeps, no timers, every test on both databases.

The clock starts on Monday 23 November 2026, 09:00 UTC (London is on GMT then).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.scheduling.dispatcher import LEASE, retry_delay
from bot.scheduling.models import HELD, SCHEDULED
from bot.scheduling.store import claim_due
from tests.helpers import Person, onboard
from tests.scheduling.nudge_helpers import CollectingTransport, due_at, nudges_of, receive, send_due


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def test_a_check_in_arrives_at_the_minute_the_person_chose(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="8.30pm")  # United Kingdom: Europe/London
    transport = CollectingTransport()
    assert await due_at(core, sam.key) == at(23, 20, 30)

    clock.set(at(23, 20, 29))
    stats = await send_due(core, transport, clock.now())
    assert stats.sent == 0 and transport.sent == []

    clock.set(at(23, 20, 30))
    stats = await send_due(core, transport, clock.now())
    assert stats.sent == 1
    [nudge] = transport.to(sam.key)
    assert nudge.template == "checkin/nudge" and "check-in time" in nudge.text
    assert "In an hour" in [button.label for button in nudge.buttons]
    # Sent once: the next tick in the same minute sends nothing.
    assert (await send_due(core, transport, clock.now())).sent == 0
    assert await due_at(core, sam.key) == at(24, 20, 30)

    # The person answers the nudge's buttons like any other question.
    receive(sam, [nudge])
    await sam.press("Good")
    assert sam.templates[-1] == "checkin/ask_craving"


async def test_the_next_check_in_keeps_local_time_across_the_clock_change(
    core: RecoveryBot, clock: FixedClock
) -> None:
    clock.set(at(27, 12, month=3, year=2027))  # Saturday before British Summer Time
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    transport = CollectingTransport()
    assert await due_at(core, sam.key) == at(27, 20, 30, month=3, year=2027)  # GMT
    clock.set(at(27, 20, 30, month=3, year=2027))
    assert (await send_due(core, transport, clock.now())).sent == 1
    # Sunday 28 March is on BST (UTC+1): 20:30 in London is 19:30 UTC.
    assert await due_at(core, sam.key) == at(28, 19, 30, month=3, year=2027)


async def test_after_downtime_stale_check_ins_are_skipped_and_fresh_ones_sent_once(
    core: RecoveryBot, clock: FixedClock
) -> None:
    early, late = Person(core, "early"), Person(core, "late")
    clock.set(at(23, 6))
    await onboard(early, checkin="8am")
    await onboard(late, checkin="11am")
    transport = CollectingTransport()
    clock.set(at(23, 12))  # the bot was down from 06:00 to 12:00
    stats = await send_due(core, transport, clock.now())
    assert (stats.sent, stats.skipped_stale) == (1, 1)
    assert transport.to(early.key) == []  # four hours late: not useful any more
    assert [m.template for m in transport.to(late.key)] == ["checkin/nudge"]
    assert (await send_due(core, transport, clock.now())).claimed == 0
    assert await due_at(core, early.key) == at(24, 8)
    assert await due_at(core, late.key) == at(24, 11)


async def test_a_claim_left_by_a_killed_process_is_sent_after_its_lease(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    clock.set(at(23, 20, 30))
    # Another process claimed the row, then died before sending or recording anything.
    [claimed] = await claim_due(core.db, clock.now(), limit=10, lease=LEASE, token="dead")
    transport = CollectingTransport()
    assert (await send_due(core, transport, clock.now())).claimed == 0
    clock.advance(LEASE + timedelta(seconds=1))
    stats = await send_due(core, transport, clock.now())
    assert stats.sent == 1 and len(transport.to(sam.key)) == 1


async def test_a_failed_send_is_retried_with_backoff_and_never_lost(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    clock.set(at(23, 20, 30))
    transport = CollectingTransport(failures=2)
    stats = await send_due(core, transport, clock.now())
    assert (stats.sent, stats.retried) == (0, 1)
    row = (await nudges_of(core, sam.key))["checkin"]
    assert row.attempts == 1 and row.due_at == clock.now() + retry_delay(1)
    assert (await send_due(core, transport, clock.now())).claimed == 0  # backing off
    clock.advance(retry_delay(1))
    assert (await send_due(core, transport, clock.now())).retried == 1
    clock.advance(retry_delay(2))
    assert (await send_due(core, transport, clock.now())).sent == 1
    assert [m.template for m in transport.to(sam.key)] == ["checkin/nudge"]
    row = (await nudges_of(core, sam.key))["checkin"]
    assert row.attempts == 0 and row.due_at == at(24, 20, 30)


async def test_a_person_who_blocked_the_bot_gets_nothing_until_they_write_again(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    transport = CollectingTransport(blocked={sam.key}, core=core)
    clock.set(at(23, 20, 30))
    stats = await send_due(core, transport, clock.now())
    assert stats.held_unreachable == 1
    assert (await nudges_of(core, sam.key))["checkin"].status == HELD
    clock.set(at(24, 20, 30))
    assert (await send_due(core, transport, clock.now())).claimed == 0
    clock.set(at(25, 9))
    transport.blocked.clear()
    await sam.say("hi, I'm back")  # writing again makes them reachable
    row = (await nudges_of(core, sam.key))["checkin"]
    assert row.status == SCHEDULED and row.due_at == at(25, 20, 30)
    clock.set(at(25, 20, 30))
    assert (await send_due(core, transport, clock.now())).sent == 1


async def test_a_check_in_already_done_today_is_not_asked_again(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    await sam.say("/checkin")
    await sam.press("Okay")
    await sam.say("3")
    await sam.press("I stayed within what I planned")
    await sam.say("A walk after work")
    assert sam.templates[-1] == "checkin/thanks"
    transport = CollectingTransport()
    clock.set(at(23, 20, 30))
    stats = await send_due(core, transport, clock.now())
    assert stats.skipped_nothing_to_send == 1 and transport.sent == []
    clock.set(at(24, 20, 30))
    assert (await send_due(core, transport, clock.now())).sent == 1


async def test_a_check_in_during_another_flow_stacks_and_that_flow_resumes(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    await sam.say("/settings")
    assert sam.templates[-1] == "settings/menu"
    transport = CollectingTransport()
    clock.set(at(23, 20, 30))
    await send_due(core, transport, clock.now())
    receive(sam, transport.to(sam.key))
    await sam.press("Mixed")
    await sam.press("Skip")  # craving
    await sam.press("Skip")  # plan
    await sam.say("skip")  # open question
    assert sam.templates[-3:] == ["checkin/thanks", "system/resuming", "settings/menu"]


async def test_snooze_brings_the_check_in_back_in_an_hour(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    transport = CollectingTransport()
    clock.set(at(23, 20, 30))
    await send_due(core, transport, clock.now())
    receive(sam, transport.to(sam.key))
    clock.advance(timedelta(minutes=2))
    await sam.press("In an hour")
    assert sam.templates == ["checkin/snoozed"] and "21:32" in sam.text
    transport.clear()
    clock.set(at(23, 21, 31))
    assert (await send_due(core, transport, clock.now())).sent == 0
    clock.set(at(23, 21, 32))
    assert (await send_due(core, transport, clock.now())).sent == 1
    assert [m.template for m in transport.to(sam.key)] == ["checkin/nudge"]
    assert await due_at(core, sam.key) == at(24, 20, 30)


async def test_pause_holds_nudges_for_the_days_asked_and_resume_ends_it(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    await sam.say("/pause 3")
    assert sam.templates == ["checkin/paused"] and "3 days" in sam.text
    assert await due_at(core, sam.key) == at(26, 20, 30)  # Mon + 3 days: Thursday
    await sam.say("/pause")
    assert sam.templates == ["checkin/ask_pause_days"]
    await sam.press("A week")
    assert await due_at(core, sam.key) == at(30, 20, 30)
    await sam.say("/resume")
    assert sam.templates == ["checkin/resumed"]
    assert await due_at(core, sam.key) == at(23, 20, 30)


async def test_quiet_hours_move_a_nudge_to_the_morning(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="11pm")
    assert await due_at(core, sam.key) == at(23, 23)
    await sam.say("/quiet")
    await sam.press("22:00 to 07:00")
    assert sam.templates == ["checkin/quiet_saved"] and "22:00" in sam.text
    assert await due_at(core, sam.key) == at(24, 7)
    await sam.say("/quiet")
    await sam.press("No quiet hours")
    assert await due_at(core, sam.key) == at(23, 23)


async def test_check_in_time_changes_move_the_row_and_stopping_removes_it(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    await sam.say("/checkin_time")
    assert "20:30" in sam.text
    await sam.say("7am")
    assert await due_at(core, sam.key) == at(24, 7)
    await sam.say("/settings")
    await sam.press("My time zone")
    await sam.say("New York")  # 07:00 in New York is 12:00 UTC in November
    assert await due_at(core, sam.key) == at(23, 12)
    await sam.say("/checkin_time")
    await sam.press("No daily check-in")
    assert "no more daily check-ins" in sam.text.lower()
    assert "checkin" not in await nudges_of(core, sam.key)


async def test_the_weekly_summary_comes_on_sunday_evening_for_those_who_asked(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam, checkin="20:30")
    await sam.say("/checkin")
    await sam.press("Good")
    await sam.press("Skip")
    await sam.press("I stayed within what I planned")
    await sam.say("skip")
    await sam.say("/progress")
    await sam.press("Yes, every Sunday")
    assert await due_at(core, sam.key, "weekly_summary") == at(29, 18)  # Sunday, London
    transport = CollectingTransport()
    clock.set(at(29, 18))
    stats = await send_due(core, transport, clock.now())
    assert stats.sent == 1
    [summary] = transport.to(sam.key)
    assert summary.template == "nudges/weekly" and "Check-ins: 1" in summary.text
    assert summary.attachment is not None and summary.attachment.is_image
    assert await due_at(core, sam.key, "weekly_summary") == at(29 + 7 - 30, 18, month=12)
