"""Words typed where onboarding offers buttons are heard: annoyance gets a word, not "tap one
of the buttons"; a close call at the pub is good news, not a lapse."""

from __future__ import annotations

import pytest

from bot.app import RecoveryBot
from bot.understanding import understand
from tests.helpers import Person, onboard


async def at_the_pathway_question(core: RecoveryBot) -> Person:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("Sam")
    await sam.press("Skip")
    assert sam.templates[-1] == "onboarding/ask_pathway"
    return sam


async def test_annoyance_at_the_pathway_buttons_is_heard(core: RecoveryBot) -> None:
    sam = await at_the_pathway_question(core)
    await sam.say("this is a stupid bot, stop asking me things")
    assert sam.templates == ["listen/off_script_discord", "onboarding/ask_pathway"]
    assert "didn't quite catch" not in sam.text


async def test_a_painful_feeling_at_the_pathway_buttons_gets_its_conversation(
    core: RecoveryBot,
) -> None:
    sam = await at_the_pathway_question(core)
    await sam.say("honestly I feel like a complete failure today")
    assert sam.templates[0] != "system/invalid_choice"
    assert "didn't quite catch" not in sam.text


def test_a_soft_drink_at_the_pub_is_good_news() -> None:
    assert understand("I went to the pub but only had a coke", "en").kind == "good_news"
    assert understand("went to the pub and had 6 pints", "en").kind != "good_news"


def test_worn_out_by_life_is_a_feeling_and_worn_out_by_the_bot_is_annoyance() -> None:
    assert understand("I'm so tired of all of this", "en").kind == "distress"
    assert understand("sick of your questions", "en").kind == "discord"


async def test_names_the_model_half_hears_as_um_are_taken_as_names(core: RecoveryBot) -> None:
    """"Uma" and "Emma" read a little like "um" and "meh" to the model, "Eve" like "sad"; at
    the name question they are names. A plain non-answer ("dunno") is still heard as one, and
    a feeling ("sad", "lonely") as a feeling."""
    for n, name in enumerate(("Uma", "Emma", "Ida", "Ummi", "Eve")):
        person = Person(core, f"named{n}")
        await person.say("/start")
        await person.press("That's okay with me")
        await person.say(name)
        assert person.templates[0] == "onboarding/reflect_name", name
        assert f"Nice to meet you, {name}" in person.text
    shy = Person(core, "shy")
    await shy.say("/start")
    await shy.press("That's okay with me")
    await shy.say("dunno")
    assert shy.templates[0] != "onboarding/reflect_name"
    for n, feeling in enumerate(("sad", "so lonely", "crap", "so tired", "awful")):
        low = Person(core, f"low{n}")
        await low.say("/start")
        await low.press("That's okay with me")
        await low.say(feeling)
        assert low.templates[0] != "onboarding/reflect_name", feeling


@pytest.mark.parametrize(("text", "feeling"), [
    ("crap", "rough"), ("so tired", "tired"), ("feeling down", "low"),
    ("new number btw", None), ("cutting down", None), ("not cutting down", None),
])
def test_a_feeling_in_a_word_or_three_is_the_feeling(text: str, feeling: str | None) -> None:
    """Whole words only ("numb" is not in "number"; "down" in "cutting down" is no mood)."""
    heard = understand(text, "en")
    assert heard.gist.feeling == feeling
    assert (heard.kind == "distress") == (feeling is not None)


async def test_telling_of_something_at_the_start_now_buttons_is_listened_to(
    core: RecoveryBot,
) -> None:
    """"I didn't quite catch which one you meant" was the answer to "my mum came round and we
    talked about my dad": it is listened to (the optional offer then closes, as it does when
    anything else starts). A stray word still gets the buttons again."""
    sam = Person(core)
    await onboard(sam)
    assert sam.templates[-1] == "onboarding/offer"
    await sam.say("my mum came round and we talked about my dad")
    assert sam.templates == ["talk/reflect_and_ask"], sam.templates
    assert "mum" in sam.text and "didn't quite catch" not in sam.text
    await sam.say("she just doesnt get it")
    assert "listen/harmful" not in sam.templates  # "get it" is understanding, not buying
    assert sam.templates == ["talk/reflect_answer"], sam.templates
    jo = Person(core, "jo")
    await onboard(jo)
    await jo.say("maybe")
    assert jo.templates == ["system/invalid_choice", "onboarding/offer"]


async def test_a_hard_moment_typed_at_the_time_zone_question_is_heard_first(
    core: RecoveryBot,
) -> None:
    """"I couldn't find that time zone" was the answer to "talked to my dad today, it was
    really hard": the feeling is heard, and the question comes back after. A place that is no
    time zone still gets the word on how to answer; a sentence telling of something is heard."""
    sam = await at_the_pathway_question(core)
    await sam.press("Stopping")
    await sam.press("Skip")
    assert sam.templates[-1] == "onboarding/ask_timezone"
    await sam.say("talked to my dad today, it was really hard")
    assert sam.templates[0].startswith("feelings/"), sam.templates
    assert "couldn't find" not in sam.text
    await sam.press("Let's carry on")
    assert sam.templates[-1] == "onboarding/ask_timezone"
    await sam.say("Springfield")
    assert sam.templates == ["system/invalid_timezone", "onboarding/ask_timezone"]
    # A sentence that tells of something is no city: it is listened to (it got "I couldn't
    # find that time zone" before), then the question comes back.
    await sam.say("my mum came round and we talked about my dad")
    assert sam.templates == ["talk/reflect_and_ask"]
    await sam.press("Skip")
    assert sam.templates[-1] == "onboarding/ask_timezone"
    await sam.say("London")
    assert sam.templates[-1] == "onboarding/ask_checkin"


async def test_a_reason_or_doubt_typed_at_the_plan_buttons_is_heard(core: RecoveryBot) -> None:
    """"to be there for them properly" at "shall we dive in?" got "I didn't quite catch which
    one you meant"; "i can stop any time i want" was read as change talk at 0.89."""
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    asked = sam.templates[-1]
    await sam.say("to be there for them properly")
    assert sam.templates == ["listen/off_script_change_talk", asked]
    assert "didn't quite catch" not in sam.text
    await sam.say("i can stop any time i want")
    assert sam.templates == ["listen/sustain_talk", asked]
    assert "you can stop any time you want" in sam.text  # said back in the second person
    assert understand("I can quit whenever I want", "en").kind == "sustain_talk"
    assert understand("I want to stop", "en").kind == "change_talk"
