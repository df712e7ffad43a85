"""Answers heard for what they are: after a slip, inside a hard feeling, in good news."""

from __future__ import annotations

from bot.app import RecoveryBot
from tests.helpers import Person, onboard


async def test_not_knowing_what_would_help_is_never_praised_as_a_plan(core: RecoveryBot) -> None:
    """After a slip, "what might help next time?": "not sure what would help" is a shrug, and
    "i dont know what to do" is someone stuck; neither is "worth having ready"."""
    jo = Person(core)
    await onboard(jo)
    await jo.press("Later")
    await jo.say("had 3 pints last night, more than i wanted")
    await jo.say("the wife had a go at me")
    assert jo.templates[-1] == "lapse/ask_next_time"
    await jo.say("not sure what would help")
    assert jo.templates[0] == "listen/non_answer"
    await jo.say("i dont know what to do")
    assert "worth having ready" not in jo.text and "Having something ready" not in jo.text
    assert "You don't need an answer" in jo.text or "nobody has an answer" in jo.text


async def test_good_news_told_inside_a_hard_feeling_is_not_called_a_burden(
    core: RecoveryBot,
) -> None:
    """Asked to say more about a hard feeling, "been sober 3 weeks once" got "That's a lot to
    be carrying"."""
    jo = Person(core)
    await onboard(jo)
    await jo.press("Later")
    await jo.say("she doesnt talk to me anymore and it hurts")
    assert jo.templates[0].startswith("feelings/")
    await jo.say("been sober 3 weeks once")
    assert "a lot to be carrying" not in jo.text and "a lot to carry" not in jo.text
    assert "worth holding on to" in jo.text or "Keep hold of it" in jo.text


async def test_a_good_day_is_not_celebrated_as_a_milestone(core: RecoveryBot) -> None:
    """"my mum came round and we had a proper laugh" got "That's really something! How did
    you do it? What's helped you most to get here?"."""
    ana = Person(core)
    await onboard(ana, name="Ana")
    await ana.press("Later")
    await ana.say("my mum came round today and we had a proper laugh")
    assert ana.templates == ["milestone/celebrate"]
    assert "How did you do it" not in ana.text and "made the difference" not in ana.text
    await ana.say("/cancel")
    await ana.say("30 days sober today")
    assert ana.templates == ["milestone/celebrate"]
    assert "How did you do it" in ana.text or "made the difference" in ana.text


async def test_using_is_not_called_a_slip_for_someone_cutting_down(core: RecoveryBot) -> None:
    """Someone cutting down decides what counts as on track: "had a few too many last night"
    gets no "one slip doesn't undo..." (that framing presumes the goal is to stop); someone
    stopping still hears that a slip doesn't wipe out what they've built."""
    kit = Person(core, "kit")
    await onboard(kit)  # cutting down
    await kit.press("Later")
    await kit.say("had a few too many last night")
    assert kit.templates[0] == "lapse/ask_what_happened"
    assert "slip" not in kit.text.lower()
    assert "you decide what counts as on track" in kit.text
    lee = Person(core, "lee")
    await onboard(lee, name="Lee", pathway="Stopping")
    await lee.press("Later")
    await lee.say("had a few too many last night")
    assert "you decide what counts as on track" not in lee.text
