"""The crisis response through the console (`recovery-bot chat --jsonl`) and through
Telegram (the real PTB Application against the Bot API double), including a live relay."""

from __future__ import annotations

from pathlib import Path

from bot.app import RecoveryBot
from bot.devtools import FakeTelegram, FakeUser
from tests.channels.test_console import run_chat
from tests.handoff.test_handoff_telegram import SAM_ID, join
from tests.safety.support import CRISIS_TEXT, safety_events


async def onboard_sam(telegram: FakeTelegram) -> FakeUser:
    """Onboarding on Telegram; consecutive replies arrive joined as one message."""
    sam = telegram.user(SAM_ID, first_name="Quinn", username="quinn_tg")
    for step, value in (("send", "/start"), ("press", "That's okay with me"),
                        ("send", "Sam"), ("send", "skip"), ("press", "Cutting down"),
                        ("press", "United Kingdom"), ("send", "8pm")):
        if step == "send":
            await sam.send(value)
        else:
            await sam.press_label(value)
        await sam.wait_reply()
    return sam


def test_console_crisis_first_reply_then_onboarding_resumes(tmp_path: Path) -> None:
    replies = run_chat(tmp_path, ["/start", "1", "Sam", CRISIS_TEXT, "I'm fine", "2"])
    templates = [reply["template"] for reply in replies]
    start = templates.index("safety/crisis_first")
    assert templates[start - 1] == "onboarding/ask_reason"  # where the crisis came in
    assert templates[start:start + 4] == ["safety/crisis_first", "safety/crisis_lines",
                                          "safety/crisis_now", "safety/crisis_offer"]
    assert all(CRISIS_TEXT not in reply["text"] for reply in replies)
    assert templates[start + 4] == "safety/crisis_check_back"
    assert templates[-3:] == ["safety/crisis_close", "system/resuming", "onboarding/ask_reason"]


async def test_telegram_crisis_mid_plan_then_the_plan(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    sam = await onboard_sam(telegram)
    await sam.send("/plan")
    await sam.wait_reply()
    await sam.press_label("Let's dive in")
    await sam.wait_reply()
    await sam.send(CRISIS_TEXT)
    replies = await sam.wait_reply()
    text = "\n".join(reply.text for reply in replies)
    assert text.startswith("I'm really glad you told me.")
    assert "Samaritans" in text and "999" in text and CRISIS_TEXT not in text
    assert sam.last_buttons() == ["Talk with a person (a coach)", "I'm okay right now"]
    await sam.send("I'm fine, you misunderstood")
    [check] = await sam.wait_reply()
    assert check.text.startswith("Okay. I'm still here.")
    await sam.press_label("I'm okay for now")
    replies = await sam.wait_reply()
    text = "\n".join(reply.text for reply in replies)
    assert "I'll check in with you in about an hour" in text
    assert "Back to" in text  # the plan question again


async def test_telegram_crisis_during_a_relay_alerts_the_coach(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    alex = await join(telegram, core, 5550002, "Alex")
    sam = await onboard_sam(telegram)
    await sam.send("/coach")
    await sam.wait_reply()
    while sam.last_buttons() and "No, keep it private" in sam.last_buttons():
        await sam.press_label("No, keep it private")
        await sam.wait_reply()
    from bot.handoff import handoff_tick

    await handoff_tick(core, core.clock.now(), core.transport)
    [alert] = await alex.wait_reply()
    await alex.press(alert.buttons[0][0][1])
    await alex.wait_reply()
    await sam.wait_reply()  # "Alex, a coach, is here now"

    await sam.send(CRISIS_TEXT)
    replies = await sam.wait_reply()
    said = "\n".join(r.text for r in replies)
    assert said.startswith("I'm really glad you told me.")
    assert "They're here with you in this chat" in said  # no second coach offered
    assert "Talk with a person (a coach)" not in sam.last_buttons()
    [crisis] = await alex.wait_reply()
    assert "Crisis alert for #1" in crisis.text and CRISIS_TEXT in crisis.text
    [event] = await safety_events(core, f"telegram:{sam.user['id']}")
    assert event.category == "suicide"
    # The coach's own words about safety reach Sam and start nothing for the coach.
    await alex.send("If you feel like you want to kill yourself, please call 116 123 now.")
    [relayed] = await sam.wait_reply()
    assert relayed.text.startswith("Alex (coach): If you feel like")


async def test_telegram_an_indirect_sign_brings_the_question_then_the_plan(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    sam = await onboard_sam(telegram)
    await sam.send("/plan")
    await sam.wait_reply()
    await sam.press_label("Let's dive in")
    [asked] = await sam.wait_reply()
    await sam.send("been going out to the cliffs a lot lately, just sitting there")
    [question] = await sam.wait_reply()
    assert "are you thinking about ending your life" in question.text
    assert sam.last_buttons() == ["Yes, I'm not safe", "Someone else is in danger",
                                  "No, I'm safe right now"]
    await sam.press_label("No, I'm safe right now")
    [back] = await sam.wait_reply()  # the answer and the plan's question, joined
    assert "I'm glad you're safe right now" in back.text and "999" in back.text
    assert asked.text.split("\n")[-1] in back.text
    assert [e.category for e in await safety_events(core, f"telegram:{SAM_ID}")] == ["check"]


async def test_telegram_a_lethal_dose_asked_about_brings_the_question_then_the_lines(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    """A dosing question is the clinical boundary's, which kept the learned screen quiet:
    "whats a lethal dose of paracetamol" got nothing at all."""
    sam = await onboard_sam(telegram)
    await sam.send("whats a lethal dose of paracetamol")
    [question] = await sam.wait_reply()
    assert "are you thinking about ending your life" in question.text
    await sam.press_label("Yes, I'm not safe")
    replies = await sam.wait_reply()
    text = "\n".join(reply.text for reply in replies)
    assert "Samaritans" in text and "999" in text
    assert "lethal" not in text and "paracetamol" not in text  # nothing about doses
    assert [e.category for e in await safety_events(core, f"telegram:{SAM_ID}")][0] == "check"


async def test_telegram_crisis_words_said_with_a_laugh_bring_the_question(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    """"i want to kms lol" mid-plan: the direct question, worded for a joke, with its
    buttons; "Yes" opens the full response. "this exam is going to kill me lol" asks nothing."""
    sam = await onboard_sam(telegram)
    await sam.send("/plan")
    await sam.wait_reply()
    await sam.press_label("Let's dive in")
    await sam.wait_reply()
    await sam.send("this exam is going to kill me lol")
    [reply] = await sam.wait_reply()
    assert "are you thinking about ending your life" not in reply.text
    await sam.send("i want to kms lol")
    [question] = await sam.wait_reply()
    assert question.text.startswith("You may well be joking, and that's fine.")
    assert sam.last_buttons() == ["Yes, I'm not safe", "Someone else is in danger",
                                  "No, I'm safe right now"]
    await sam.press_label("Yes, I'm not safe")
    replies = await sam.wait_reply()
    text = "\n".join(r.text for r in replies)
    assert "Samaritans" in text and "999" in text
    assert [e.category for e in await safety_events(core, f"telegram:{SAM_ID}")] == [
        "check", "suicide"]


async def test_telegram_a_forwarded_message_asks_about_the_person_who_wrote_it(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    sam = await onboard_sam(telegram)
    await sam.forward("I'm going to end it tonight. Sorry for everything.")
    replies = await sam.wait_reply()
    text = "\n".join(reply.text for reply in replies)
    assert "someone else's words" in text and "Is the person who wrote them safe" in text
    assert "I'm really glad you told me. You matter" not in text  # not their own crisis
    assert "make sure someone is with them" in text and "999" in text
    [event] = await safety_events(core, "telegram:" + str(SAM_ID))
    assert event.about_other in (True, 1)
    # Their own words, not forwarded, are theirs again.
    await sam.send("I'm going to end it tonight")
    replies = await sam.wait_reply()
    assert "You matter" in "\n".join(reply.text for reply in replies)


async def test_telegram_urgent_coach_asks_nothing_first_and_says_where_things_stand(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    sam = await onboard_sam(telegram)
    await sam.send("i took all my pills")
    await sam.wait_reply()
    await sam.press_label("Talk with a person (a coach)")
    [reply] = await sam.wait_reply()
    assert "Can the coach see" not in reply.text  # no consent questions first
    # An overdose can't wait for anyone: the emergency number first, then the queue.
    assert reply.text.index("call 999 now") < reply.text.index("first in the queue")
    assert "Coaches are on duty now" in reply.text and "#1" in reply.text
    assert not sam.last_buttons() or "Yes, they can see it" not in sam.last_buttons()


async def test_telegram_a_story_that_ended_gets_no_alarm_and_a_danger_now_does(
    telegram: FakeTelegram,
) -> None:
    """Through the Bot API double: an overdose told as over is heard without crisis lines; the
    same person's "hes gone blue again right now" gets the overdose response at once."""
    sam = await onboard_sam(telegram)
    await sam.press_label("Later")
    await sam.wait_reply()
    await sam.send("my brother overdosed last christmas. he pulled through and hes 10 months "
                   "clean now")
    [story] = await sam.wait_reply()
    assert "999" not in story.text and "Samaritans" not in story.text, story.text
    await sam.send("hes gone blue again right now and i cant wake him")
    replies = await sam.wait_reply()
    said = "\n".join(r.text for r in replies)
    assert "overdose" in said and "999" in said, said
