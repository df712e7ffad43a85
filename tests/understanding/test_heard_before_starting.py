"""Someone who has not finished getting started is heard too: a painful first message is met
before the welcome, a feeling typed at the consent question gets its conversation (and nothing
is kept), and after /cancel what they tell is listened to before the offer to carry on."""

from __future__ import annotations

from pathlib import Path

from bot.app import RecoveryBot
from bot.devtools import FakeTelegram
from tests.channels.test_console import run_chat
from tests.handoff.test_handoff_telegram import SAM_ID
from tests.helpers import Person, onboard
from tests.understanding.support import person_row
from tests.understanding.test_off_script_onboarding import at_the_pathway_question


async def test_a_painful_first_message_is_heard_before_the_welcome(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("i relapsed last night and i feel awful")
    assert sam.templates[:2] == ["listen/first_message", "onboarding/hello"]
    assert "welcome here just as you are" in sam.text
    assert "Is that okay with you?" in sam.text  # consent is still asked before anything is kept
    low = Person(core, "low")
    await low.say("i feel so alone")
    assert low.templates[0] == "listen/first_message"
    assert "very alone" in low.text
    hello = Person(core, "hello")
    await hello.say("hello")
    assert hello.templates[0] == "onboarding/hello"  # a hello needs nothing before the welcome


async def test_a_feeling_at_the_consent_question_is_heard_and_nothing_is_kept(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.say("everyone is asleep and i cant stop crying")
    assert "didn't quite catch" not in sam.text
    assert sam.templates[0] == "feelings/reflect"
    assert (await person_row(core, sam.key)).consented_at is None
    await sam.press("Let's carry on")
    assert "Is that okay with you?" in sam.text  # back to the consent question
    await sam.say("who sees what i write here?")  # a question there gets its answer
    assert sam.templates[0] == "listen/question"
    assert "encrypted" in sam.text


async def test_after_cancel_what_they_tell_is_heard_before_the_offer_to_carry_on(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.say("/cancel")
    await sam.say("talked to my dad today, it was really hard")
    assert sam.templates[0] != "system/resume_offer"
    assert "carry on where you were" not in sam.text
    assert sam.templates[0] in ("feelings/reflect", "talk/reflect_and_ask")
    await sam.press("Let's carry on")
    assert "carry on where you were" in sam.text  # the offer comes after
    await sam.press("Carry on where I was")
    assert "Is that okay with you?" in sam.text
    # At the offer itself, a feeling is heard too; the offer's own words still work.
    ana = Person(core, "ana")
    await ana.say("/start")
    await ana.say("/cancel")
    await ana.say("hi")
    assert "carry on where you were" in ana.text
    await ana.say("feeling really low tonight")
    assert ana.templates[0] == "feelings/reflect"


async def at_the_time_zone_question(core: RecoveryBot) -> Person:
    """Someone in Canada (several time zones: the question is asked)."""
    sam = await at_the_pathway_question(core)
    await sam.press("Cutting down")
    await sam.press("Canada")
    assert sam.templates[-1] == "onboarding/ask_timezone"
    return sam


async def test_why_a_time_zone_is_asked_gets_its_own_answer_and_later_skips(
    core: RecoveryBot,
) -> None:
    sam = await at_the_time_zone_question(core)
    await sam.say("why do you need my time zone")
    assert "check-in comes at the time you pick" in sam.text
    assert sam.templates[-1] == "onboarding/ask_timezone"
    await sam.say("later")
    assert "couldn't find that time zone" not in sam.text
    assert sam.templates[-1] != "onboarding/ask_timezone"


async def test_a_sentence_at_the_time_zone_question_is_heard_and_a_city_is_a_city(
    core: RecoveryBot,
) -> None:
    """"my wife is fed up with me" is no city; "New York" still answers the question."""
    sam = await at_the_time_zone_question(core)
    await sam.say("my wife is fed up with me")
    assert "couldn't find that time zone" not in sam.text
    assert "wife" in sam.text
    await sam.press("Skip")  # says no more: back to the time zone question
    assert sam.templates[-1] == "onboarding/ask_timezone"
    await sam.say("New York")
    assert sam.templates[-1] != "onboarding/ask_timezone"


async def test_a_feeling_said_again_is_not_said_back_twice(core: RecoveryBot) -> None:
    """"That sounds really hard. It sounds like you're going through a really hard time." read
    as not listening; a new feeling is still named."""
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("i just feel so low today")
    await sam.press("I'd like to say more")
    await sam.say("everyone is asleep and i cant stop crying")
    assert sam.text.count("really hard") <= 1
    await sam.say("feel so alone")  # typed at the support question: a new feeling
    assert "very alone" in sam.text
    assert "keep writing" in sam.text  # not a brisk "Okay." after "feel so alone"


async def test_someone_elses_mood_told_out_of_the_blue_is_not_read_as_ready_to_change(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("my wife is fed up with me")
    assert "ready for something to change" not in sam.text
    assert "thinking about making a change" not in sam.text
    assert "wife" in sam.text


def test_console_after_cancel_a_hard_moment_is_heard_with_a_new_process_each_time(
    tmp_path: Path,
) -> None:
    """Each message in its own `recovery-bot chat` process: what was set aside survives the
    restart, and the hard moment is still heard before the offer to carry on."""
    run_chat(tmp_path, ["/start"])
    run_chat(tmp_path, ["/cancel"])
    replies = run_chat(tmp_path, ["talked to my dad today, it was really hard"])
    templates = [reply["template"] for reply in replies]
    assert templates[0] in ("feelings/reflect", "talk/reflect_and_ask"), templates
    assert "system/resume_offer" not in templates
    replies = run_chat(tmp_path, ["Let's carry on"])  # a new process: typed, not "2"
    assert "carry on where you were" in " ".join(reply["text"] for reply in replies)


async def test_telegram_a_painful_first_message_is_heard_then_the_consent_buttons(
    telegram: FakeTelegram,
) -> None:
    sam = telegram.user(SAM_ID, first_name="Quinn")
    await sam.send("i relapsed last night and i feel awful")
    replies = await sam.wait_reply()
    text = "\n".join(reply.text for reply in sam.messages)
    assert replies and "welcome here just as you are" in text
    assert text.index("welcome here just as you are") < text.index("I'm glad you're here")
    assert "That's okay with me" in sam.last_buttons()
    await sam.send("everyone is asleep and i cant stop crying")
    await sam.wait_reply()
    assert "I'd like to say more" in sam.last_buttons()  # heard, not "tap one of the buttons"
