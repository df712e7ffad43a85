"""A message with no conversation running is answered for what it says: never with the list of
commands the bot used to send (the old `system/idle` template)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.app import RecoveryBot
from bot.understanding import understand
from tests.helpers import Person, onboard
from tests.understanding.support import PRAISE, current_frame

# What each message is, and where a reply that fits it comes from.
FITTING = {
    "I had a really rough day, I almost drank after work": ("feelings/", "urge/"),
    "30 days sober today!!": ("milestone/", "listen/good_news"),
    "thanks": ("listen/idle_thanks",),
    "hello?": ("listen/idle_greeting",),
}
COMMAND_LINE = re.compile(r"^\s*/\w+", re.M)  # "/checkin - check in on today" in a list


async def test_an_idle_message_gets_a_reply_that_fits_it_not_the_commands(
    core: RecoveryBot,
) -> None:
    for number, (message, fitting) in enumerate(FITTING.items()):
        person = Person(core, f"idle{number}")
        await onboard(person)
        await person.press("Later")
        assert await current_frame(core, person.key) is None  # nothing running
        await person.say(message)
        where = f"{message!r} -> {person.templates}: {person.text!r}"
        assert person.last, where
        assert "system/idle" not in person.templates and "system/help" not in person.templates
        assert not COMMAND_LINE.search(person.text), where
        assert person.templates[0].startswith(fitting), where
        if len(message.split()) > 3:
            assert message.lower() not in person.text.lower(), where  # heard, not pasted back
        if fitting[0] == "feelings/":  # a hard day: met with empathy, never praise
            assert not PRAISE.search(person.text), where


HARD_MOMENTS = (
    "talked to my dad today, it was really hard",
    "my mum came round and we talked about my dad, it was hard",
    "it was hard",
    "today was hard",
    "that was tough",
    "rough day",
)
CELEBRATING = re.compile(r"good moment|glad to hear|best part|what made it good", re.I)


async def test_a_hard_moment_is_met_as_hard_never_as_good_news_or_a_slip(
    core: RecoveryBot,
) -> None:
    """"talked to my dad today, it was really hard" got "I'm really glad to hear that. What
    was the best part of it?"; "it was hard" got "one slip doesn't undo..." (read as a lapse)."""
    for number, message in enumerate(HARD_MOMENTS):
        person = Person(core, f"hard{number}")
        await onboard(person)
        await person.press("Later")
        await person.say(message)
        where = f"{message!r} -> {person.templates}: {person.text!r}"
        assert person.templates[0].startswith("feelings/"), where
        assert not CELEBRATING.search(person.text) and not PRAISE.search(person.text), where
        assert "slip" not in person.text.lower(), where


def test_hard_moments_written_blind_are_rarely_taken_for_news_or_a_slip() -> None:
    """Blind set 3 (never tuned on): before, 16 of its 35 hard moments were read as good news,
    a lapse or thanks; now 3."""
    rows = yaml.safe_load((Path(__file__).parent / "blind_3.yaml").read_text())["messages"]
    hard = [r["text"] for r in rows if r["kind"] == "distress"]
    misread = [t for t in hard if understand(t, "en").kind in ("good_news", "lapse", "thanks")]
    assert len(hard) == 35 and len(misread) <= 5, misread


async def test_a_hard_won_milestone_is_celebrated_and_the_hard_part_heard(
    core: RecoveryBot,
) -> None:
    """A win told with "it was tough": neither "what made it good?" nor only sympathy."""
    for number, message in enumerate(("30 days today!! it was tough",
                                      "went to my first meeting, it was really hard")):
        person = Person(core, f"won{number}")
        await onboard(person)
        await person.press("Later")
        await person.say(message)
        where = f"{message!r} -> {person.templates}: {person.text!r}"
        assert person.templates[0] == "milestone/celebrate", where
        assert not CELEBRATING.search(person.text), where
        assert re.search(r"wasn't easy|hard", person.text), where


async def test_typed_words_at_the_feelings_support_question_are_heard_not_refused(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("I feel so ashamed of how I acted at the party")
    await sam.press("I'd like to say more")
    await sam.say("I shouted at my sister in front of everyone")
    assert sam.templates[-1] == "feelings/support"
    await sam.say("I don't know, I just feel rubbish")
    assert "system/invalid_choice" not in sam.templates
    assert sam.templates[-1] == "feelings/close"


async def test_nearly_going_for_a_drink_is_a_close_call_not_a_slip(core: RecoveryBot) -> None:
    """They held off: no "one slip doesn't undo..."; the urge is what gets support."""
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("had a rough one today, nearly went to the offy after work")
    assert sam.templates[0].startswith("urge/"), sam.templates
    assert "slip" not in sam.text.lower()
