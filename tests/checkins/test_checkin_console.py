"""A check-in and /progress through the console as a person uses it (`recovery-bot chat`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import RecoveryBot
from bot.clock import FixedClock
from tests.channels.test_console import run_chat
from tests.checkins.test_checkin_telegram import SHAMING
from tests.helpers import Person, onboard


def test_a_check_in_with_a_lapse_through_the_console(tmp_path: Path) -> None:
    replies = run_chat(tmp_path, [
        "/start", "1", "Sam", "I want my mornings back", "Stopping", "2", "9pm",
        "/checkin", "Really hard", "9", "I drank or used today",
        "It was after work, the usual crowd", "Go for a walk first thing",
    ])
    templates = [reply["template"] for reply in replies]
    start = templates.index("checkin/ask_mood")
    assert templates[start:] == [
        "checkin/ask_mood", "checkin/reflect_mood", "checkin/ask_craving",
        "checkin/reflect_craving", "checkin/ask_plan_stopping", "checkin/ask_what_happened",
        "checkin/reflect_what_happened", "checkin/plan_link", "checkin/ask_tomorrow",
        "checkin/reflect_note", "checkin/thanks",
    ]
    asked = replies[templates.index("checkin/ask_what_happened")]["text"]
    assert "doesn't undo" in asked  # never a reset
    offer = replies[templates.index("checkin/plan_link")]["text"]
    assert "human coach" in offer and "not safe right now" in offer
    text = " ".join(reply["text"] for reply in replies[start:]).lower()
    assert not [word for word in SHAMING if word in text]


async def test_progress_sends_a_chart_and_words_a_slip_cannot_wipe(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.say("/progress")
    assert sam.templates == ["progress/empty"]
    for mood, went in (("Good", "I stayed within what I planned"),
                       ("Hard", "More than I meant to")):
        await sam.say("/checkin")
        await sam.press(mood)
        await sam.press("Skip")
        await sam.press(went)
        await sam.say("skip")
    await sam.say("/progress")
    [summary, offer] = sam.last
    assert summary.attachment is not None and summary.attachment.is_image
    assert summary.attachment.content.startswith(b"\x89PNG")
    assert "Check-ins: 1" in summary.text  # the same day twice is one check-in, updated
    assert "never takes any of this away" in summary.text
    assert offer.template == "progress/ask_weekly"
    await sam.press("Yes, every Sunday")
    assert "every Sunday" in sam.text


async def test_three_hard_check_ins_in_a_row_bring_the_offer_of_a_coach(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await onboard(sam)
    for day in range(3):
        await sam.say("/checkin")
        await sam.press("Really hard")
        await sam.press("Skip")
        await sam.press("I stayed within what I planned")
        await sam.say("skip")
        offered = "handoff/offer" in sam.templates
        assert offered == (day == 2), (day, sam.templates)
        clock.advance(timedelta(days=1))
    assert "coach" in sam.text
    await sam.press(next(iter(sam.buttons)))  # yes: on to choosing what to share
    assert sam.templates[0].startswith("handoff/")
    # Offered at most once a week: a fourth hard day brings no second offer.
    await sam.say("/checkin")
    for label in ("Really hard", "Skip", "I stayed within what I planned"):
        await sam.press(label)
    await sam.say("skip")
    assert "handoff/offer" not in sam.templates


async def test_after_a_lapse_the_check_in_names_what_their_own_plan_says(
    core: RecoveryBot,
) -> None:
    from tests.coaching.plan_script import SCRIPT_TO_PLAN

    sam = Person(core)
    await onboard(sam)
    await sam.press("Start my plan")
    for kind, value in SCRIPT_TO_PLAN:
        await (sam.press(value) if kind == "press" else sam.say(value))
    await sam.say("/checkin")
    for label in ("Hard", "Skip", "More than I meant to"):
        await sam.press(label)
    assert "checkin/ask_what_happened" in sam.templates
    await sam.say("stress at work got to me again and I opened a bottle")
    assert "checkin/plan_link" in sam.templates
    # Their plan's obstacle ("... stress ... at work") and what they said they'd do.
    assert "Your plan already names something like this" in sam.text
    assert "Call Jo before I open a bottle" in sam.text
