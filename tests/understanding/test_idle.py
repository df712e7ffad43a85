"""A message with no conversation running is answered for what it says: never with the list of
commands the bot used to send (the old `system/idle` template)."""

from __future__ import annotations

import re

from bot.app import RecoveryBot
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
