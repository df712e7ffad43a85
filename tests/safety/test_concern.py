"""The concern check: an indirect sign of danger brings one direct question.

Data: every crisis message in the labelled sets is met by the crisis response or the check;
few hard negatives bring the question. Core (SQLite and PostgreSQL): the question, its three
answers, and no second question within CHECK_QUIET_HOURS.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.safety import crisis_screen
from bot.safety.concern import CHECK_QUIET_HOURS, concern_screen
from tests.helpers import Person, onboard
from tests.safety._labelled import crisis, negatives
from tests.safety.support import safety_events
from tests.scheduling.nudge_helpers import nudges_of

SETS = ("devset.yaml", "concern_devset.yaml", "heldout.yaml")
INDIRECT = "been going out to the cliffs a lot lately, just sitting there"
CHECK = ["safety/crisis_check"]
FIRST = ["safety/crisis_first", "safety/crisis_lines", "safety/crisis_now",
         "safety/crisis_offer"]


def met(text: str) -> bool:
    return crisis_screen(text) is not None or concern_screen(text) is not None


@pytest.mark.parametrize("name", SETS)
def test_every_crisis_message_is_met_by_the_response_or_the_question(name: str) -> None:
    missed = [m["text"] for m in crisis(name) if not met(m["text"])]
    assert missed == []


def test_few_hard_negatives_bring_the_question() -> None:
    hard = [m["text"] for name in SETS for m in negatives(name)]
    asked = [text for text in hard if crisis_screen(text) is None and concern_screen(text)]
    assert len(asked) / len(hard) <= 0.03, asked


async def test_an_indirect_sign_brings_one_direct_question(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say(INDIRECT)
    assert sam.templates == CHECK
    assert "are you thinking about ending your life" in sam.text
    assert list(sam.buttons) == ["Yes, I'm not safe", "Someone else is in danger",
                                 "No, I'm safe right now"]
    assert INDIRECT not in sam.text
    await sam.press("No, I'm safe right now")
    assert sam.templates[0] == "safety/crisis_check_safe"
    assert "/resources" in sam.text and "999" in sam.text  # their country's number (UK)
    [event] = await safety_events(core, sam.key)
    assert (event.category, event.rule) == ("check", "means.cliffs_bridge_water")
    # Asked once: the same worry soon after is not asked about again.
    await sam.say("just the sea and me")
    await sam.say(INDIRECT)
    assert "safety/crisis_check" not in sam.templates
    assert len(await safety_events(core, sam.key)) == 1


async def test_yes_opens_the_whole_crisis_response(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("feel weirdly calm now, my mind is made up")
    assert sam.templates == CHECK
    await sam.press("Yes, I'm not safe")
    assert sam.templates == FIRST
    assert "999" in sam.text and "Samaritans" in sam.text
    assert [e.category for e in await safety_events(core, sam.key)] == ["check", "suicide"]
    assert "safety_followup" in await nudges_of(core, sam.key)  # checked on in an hour


async def test_someone_else_in_danger(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("my mates gone all grey and hes making this weird snoring noise")
    await sam.press("Someone else is in danger")
    assert sam.templates == FIRST
    assert "Stay with them" in sam.text


async def test_asked_again_after_the_quiet_hours(core: RecoveryBot, clock: FixedClock) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say(INDIRECT)
    await sam.press("No, I'm safe right now")
    clock.advance(CHECK_QUIET_HOURS + timedelta(minutes=1))
    await sam.say(INDIRECT)
    assert sam.templates == CHECK
