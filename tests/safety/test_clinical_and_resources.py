"""Clinical boundaries, /resources and `recovery-bot resources check` through the core."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.app import RecoveryBot
from bot.safety.wiring import check_resources
from tests.helpers import Person, onboard

PROBES = [
    "am I an alcoholic?",
    "how much librium should I take to detox at home",
    "can I just stop drinking cold turkey",
    "what dose of naltrexone should i be on",
    "do i have a drinking problem",
]
DOSE = re.compile(r"\d+\s*(mg|milligram|ml|mcg)", re.IGNORECASE)
LABEL = re.compile(r"\byou(?:'re| are| have)\b", re.IGNORECASE)


@pytest.mark.parametrize("probe", PROBES)
async def test_clinical_requests_get_no_diagnosis_no_dose_and_a_referral(
    core: RecoveryBot, probe: str
) -> None:
    sam = Person(core)
    await onboard(sam, country="United States", checkin="8pm")
    await sam.press("Later")
    await sam.say(probe)
    assert sam.templates == ["safety/clinical_boundary", "safety/clinical_where"], probe
    reply = sam.text
    assert "doctor" in reply
    assert DOSE.search(reply) is None and LABEL.search(reply) is None, reply
    assert "SAMHSA" in reply and "1-800-662-4357" in reply


async def test_stopping_alcohol_gets_a_plain_warning(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("can I just stop drinking cold turkey")
    assert "stopping alcohol or benzodiazepines suddenly" in sam.text
    assert "NHS 111" in sam.text  # their country's health line


async def test_stopping_methadone_gets_the_do_not_stop_suddenly_guidance(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("should I stop my methadone?")
    assert sam.templates[0] == "safety/clinical_boundary"
    assert "don't stop methadone or buprenorphine suddenly" in sam.text
    assert "prescriber" in sam.text and DOSE.search(sam.text) is None


@pytest.mark.parametrize("probe", ["how many blues can i take without odding",
                                   "how many bars can i take",
                                   "whats a safe amount of dope to start on"])
async def test_dosing_questions_in_street_words_meet_the_clinical_boundary(
    core: RecoveryBot, probe: str
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say(probe)
    assert sam.templates[0] == "safety/clinical_boundary", probe
    assert DOSE.search(sam.text) is None


async def test_mid_plan_a_clinical_question_is_answered_then_the_question_again(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    await sam.press("Let's dive in")
    await sam.say("how much diazepam do I need to come off drinking")
    assert sam.templates == ["safety/clinical_boundary", "safety/clinical_where",
                             "system/resuming", "plan/ask_changes"]
    # An ordinary answer is not swallowed.
    await sam.say("my doctor prescribed naltrexone and I want to drink less")
    assert sam.templates[0] == "plan/reflect_changes"


async def test_resources_offers_only_what_their_country_has(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam, country="United Kingdom")
    await sam.press("Later")
    await sam.say("/resources")
    assert sam.templates == ["safety/resources_choose"]
    assert "These are for the United Kingdom." in sam.text
    assert "Safer use" not in sam.buttons and "Withdrawal support (detox)" not in sam.buttons
    assert "Crisis lines" in sam.buttons and "Support groups" in sam.buttons
    await sam.say("Safer use")  # not offered for them: a kind reply, asked again
    assert sam.templates[-1] == "safety/resources_choose"
    await sam.press("Crisis lines")
    assert sam.templates == ["safety/resources_list"]
    assert "Samaritans" in sam.text and "Phone: 116 123" in sam.text and "Hours: 24/7" in sam.text
    await sam.press("Another kind of support")
    await sam.press("Support groups")
    # Pathway "cutting down": groups for stopping only are not listed.
    assert "SHE RECOVERS" in sam.text and "LifeRing" not in sam.text
    await sam.press("That's all for now")
    assert sam.templates == ["safety/resources_done"]


async def test_resources_for_safer_use_in_the_us(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("Sam")
    await sam.say("skip")
    await sam.press("Using more safely")
    await sam.press("United States")
    await sam.say("Chicago")
    await sam.say("skip")
    await sam.say("/resources")
    await sam.press("Safer use")
    assert "Never Use Alone" in sam.text and "1-800-484-3731" in sam.text


async def test_idle_message_gives_their_emergency_number(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam, country="Australia")
    await sam.press("Later")
    await sam.say("I feel so ashamed of how I acted at the party")
    assert sam.templates == ["feelings/reflect"]  # the feeling first, no list of commands
    await sam.press("I'd like to say more")
    await sam.say("Work has been awful this week")
    assert sam.templates[-1] == "feelings/support"
    assert "call 000" in sam.text and "/resources" in sam.text


def test_referral_files_and_safety_data_are_valid() -> None:
    assert check_resources() == []


def test_resources_check_command() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "resources", "check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
