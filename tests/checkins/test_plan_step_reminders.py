"""Plan steps with a day become reminders that morning, and that day's check-in asks how the
step went. Driven by the injected clock; every test on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app import RecoveryBot
from bot.checkins.plan_steps import next_step_day, steps_on
from bot.clock import FixedClock
from bot.coaching.plans import PlanStep
from tests.coaching.plan_script import SCRIPT_TO_PLAN
from tests.coaching.test_plan_flow import run
from tests.helpers import Person, onboard
from tests.scheduling.nudge_helpers import CollectingTransport, due_at, receive, send_due


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def plan_with_steps(core: RecoveryBot) -> Person:
    sam = Person(core)
    await onboard(sam, checkin="8pm")  # Europe/London
    await sam.press("Later")
    await sam.say("/plan")
    await run(sam, SCRIPT_TO_PLAN)  # "Go for a run after work" on Tuesdays, a dinner on 12 Dec
    return sam


async def test_a_step_day_brings_a_morning_reminder_and_the_check_in_asks_about_it(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = await plan_with_steps(core)
    # Saving the plan scheduled the first reminder: Tuesday 24 November, 09:00 London.
    assert await due_at(core, sam.key, "plan_step") == at(24, 9)
    transport = CollectingTransport()
    clock.set(at(24, 8, 59))
    await send_due(core, transport, clock.now())
    assert transport.to(sam.key) == []
    clock.set(at(24, 9))
    await send_due(core, transport, clock.now())
    [reminder] = transport.to(sam.key)
    assert reminder.template == "nudges/plan_step"
    assert "Go for a run after work" in reminder.text and "check-in" in reminder.text
    assert await due_at(core, sam.key, "plan_step") == at(1, 9, month=12)  # next Tuesday

    # That evening's check-in asks how the step went.
    transport.clear()
    clock.set(at(24, 20))
    await send_due(core, transport, clock.now())
    receive(sam, transport.to(sam.key))
    seen: list[str] = []
    for _ in range(8):
        if "checkin/ask_step" in seen:
            break
        if sam.buttons:
            await sam.press(next(iter(sam.buttons)))
        else:
            await sam.say("fine")
        seen += sam.templates
    assert "checkin/ask_step" in seen
    assert "Go for a run after work" in sam.text


async def test_without_a_plan_there_are_no_step_reminders(core: RecoveryBot) -> None:
    alex = Person(core, "alex")
    await onboard(alex)
    assert await due_at(core, alex.key, "plan_step") is None


def test_step_days_by_weekday_and_by_date() -> None:
    steps = [PlanStep("run", weekdays=(1,)), PlanStep("dinner", on_date=date(2026, 12, 12)),
             PlanStep("anytime")]
    assert next_step_day(steps, date(2026, 11, 23)) == date(2026, 11, 24)
    assert next_step_day(steps, date(2026, 12, 9)) == date(2026, 12, 12)
    assert [s.text for s in steps_on(steps, date(2026, 12, 12))] == ["dinner"]
    assert next_step_day([PlanStep("anytime")], date(2026, 11, 23)) is None
    assert next_step_day([PlanStep("old", on_date=date(2026, 1, 1))], date(2026, 11, 23)) is None
