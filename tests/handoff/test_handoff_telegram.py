"""The coach handoff end to end on Telegram: the real PTB Application against the Bot API
double, with one person (Sam) and two coaches (Alex, Robin), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.devtools import FakeTelegram, FakeUser
from bot.handoff import handoff_tick
from bot.handoff.models import Handoff, HandoffAudit
from bot.ports import StepContext as Deps
from bot.storage.people import find_person
from tests.handoff.support import invite

SAM_ID, ALEX_ID, ROBIN_ID, EVE_ID = 5550001, 5550002, 5550003, 5550009
COACHES_CHAT = -777
# Sam's Telegram identity; the name Sam chose to give the bot is "Sam".
SAM_TELEGRAM_SECRETS = (str(SAM_ID), "quinn_tg", "Quinn")


async def join(telegram: FakeTelegram, core: RecoveryBot, user_id: int, name: str) -> FakeUser:
    coach = telegram.user(user_id, first_name=f"{name}-tg", username=f"{name.lower()}_tg")
    code = await invite(core)
    await coach.send(f"/coach_join {code}")
    [ask] = await coach.wait_reply()
    assert "What name should people see" in ask.text
    await coach.send(name)
    [joined] = await coach.wait_reply()
    assert f"registered as a coach, {name}" in joined.text
    await coach.send("/duty on")
    [duty] = await coach.wait_reply()
    assert "on duty" in duty.text
    return coach


async def onboard_sam(telegram: FakeTelegram) -> FakeUser:
    sam = telegram.user(SAM_ID, first_name="Quinn", username="quinn_tg")
    # Each reply is ONE message: the channel joins a reflection with the next question.
    await sam.send("/start")
    await sam.wait_reply()
    await sam.press_label("That's okay with me")
    await sam.wait_reply()
    await sam.send("Sam")
    await sam.wait_reply()
    await sam.send("skip")
    await sam.wait_reply()
    await sam.press_label("Cutting down")
    await sam.wait_reply()
    await sam.press_label("United Kingdom")
    await sam.wait_reply()
    await sam.send("8pm")
    [done] = await sam.wait_reply()
    assert "every day at 20:00" in done.text
    return sam


async def sam_deps_call(core: RecoveryBot, work) -> object:  # type: ignore[no-untyped-def]
    """Run `work(deps)` inside a step-like transaction for Sam (as the safety screen does)."""
    async with core.db.session() as session:
        person = await find_person(session, f"telegram:{SAM_ID}", lock=True)
        assert person is not None
        deps = Deps(session=session, person=person, settings=core.settings,
                    now=core.clock.now(), services=core)
        return await work(deps)


def coach_side_texts(telegram: FakeTelegram) -> list[str]:
    """Every text the bot sent anywhere but Sam's own chat."""
    return [m.text + " " + " ".join(label for row in m.buttons for label, _ in row)
            for m in telegram.sent if m.chat_id != SAM_ID]


async def test_a_handoff_end_to_end_with_a_claim_race(
    telegram: FakeTelegram, core: RecoveryBot, caplog: pytest.LogCaptureFixture
) -> None:
    core.settings.coaches_chat_id = COACHES_CHAT
    alex = await join(telegram, core, ALEX_ID, "Alex")
    robin = await join(telegram, core, ROBIN_ID, "Robin")
    group = telegram.user(ALEX_ID, chat_type="group", chat_id=COACHES_CHAT)
    sam = await onboard_sam(telegram)

    # Sam asks in words and chooses to share their name.
    await sam.send("I want to talk to a human")
    [intro_and_ask] = await sam.wait_reply()  # joined into one message
    assert "won't see your Telegram name" in intro_and_ask.text and "#1" in intro_and_ask.text
    assert "Can the coach see the name you gave me" in intro_and_ask.text
    assert sam.last_buttons() == ["Yes, they can see it", "No, keep it private"]
    await sam.press_label("Yes, they can see it")
    [queued] = await sam.wait_reply()
    assert "The coach will see your name, and nothing else" in queued.text

    # The tick tells both coaches privately and the coaches' group.
    report = await handoff_tick(core, core.clock.now(), core.transport)
    assert (report.alerts, report.sent) == (1, 3)
    for chat in (alex, robin, group):
        [alert] = await chat.wait_reply()
        assert "#1 would like to talk with a coach" in alert.text
        assert "Shared with whoever claims it: name." in alert.text
        assert chat.last_buttons() == ["Claim"]

    # Someone who isn't a coach presses Claim in the group: told so on the spot (an alert
    # on the button), the Claim button stays for the coaches, nothing is stored about them.
    caplog.set_level(logging.INFO)
    eve = telegram.user(EVE_ID, first_name="Eve", chat_type="group", chat_id=COACHES_CHAT)
    eve_private = telegram.user(EVE_ID, first_name="Eve")
    claim_data = alert.buttons[0][0][1]
    answered = len(telegram.world.callback_answers)
    await eve.press(claim_data)
    async with asyncio.timeout(5):
        while len(telegram.world.callback_answers) == answered:
            await asyncio.sleep(0.01)
    [answer] = list(telegram.world.callback_answers.values())[answered:]
    assert "only for coaches" in answer["text"] and answer.get("show_alert") in (True, "true")
    assert group.last_buttons() == ["Claim"]
    async with core.db.session() as session:
        assert await find_person(session, f"telegram:{EVE_ID}") is None
    # ...and forged data, straight from a modified client, in a private chat.
    await eve_private.send("hello")
    [hello] = await eve_private.wait_reply()
    await eve_private.send_raw({"callback_query": {
        "id": "forged-claim", "from": eve_private.user, "chat_instance": str(EVE_ID),
        "message": hello.message, "data": "h:claim:1:" + "A" * 22,
    }})
    [forged] = await eve_private.wait_reply()
    assert "can't act on that button" in forged.text

    # Both coaches press Claim at once: exactly one wins.
    await asyncio.gather(alex.press(claim_data), robin.press(claim_data))
    [alex_reply] = await alex.wait_reply()
    [robin_reply] = await robin.wait_reply()
    texts = sorted([alex_reply.text, robin_reply.text])
    assert texts[0].startswith("#1 was just claimed by another coach")
    assert texts[1].startswith("You're talking with #1 now")
    assert "Name: Sam" in texts[1]
    winner, winner_name = (alex, "Alex") if "talking with" in alex_reply.text else (robin, "Robin")
    [here] = await sam.wait_reply()
    assert here.text.startswith(f"{winner_name}, a coach, is here now")

    # The relay, both ways, marked with who is speaking.
    await sam.send("I drank again last night and I feel awful")
    [relayed] = await winner.wait_reply()
    assert relayed.text == "#1: I drank again last night and I feel awful"
    await winner.send("Thank you for telling me. What was the evening like?")
    [answer] = await sam.wait_reply()
    said = "Thank you for telling me. What was the evening like?"
    assert answer.text == f"{winner_name} (coach): {said}"

    # A crisis during the relay: the screen runs first, and the coach is alerted (after the
    # step commits) with what Sam wrote.
    await sam.send("I don't want to be here anymore")
    [crisis] = await winner.wait_reply()
    assert "Crisis alert for #1" in crisis.text and "suicide" in crisis.text
    assert "I don't want to be here anymore" in crisis.text
    lines = await sam.wait_reply()
    assert any("116 123" in message.text for message in lines)  # Samaritans (UK)

    # The coach closes, Sam is asked once how it went, the coach leaves a note.
    await winner.send("/end")
    [closed] = await winner.wait_reply()
    assert "Chat #1 is closed" in closed.text
    [bye] = await sam.wait_reply()
    assert f"{winner_name} has closed your chat" in bye.text
    assert sam.last_buttons() == ["It helped", "It was okay", "It didn't really help"]
    await winner.send("Hard night; talked about tomorrow evening. Offered a follow-up.")
    [saved] = await winner.wait_reply()
    assert "Note saved for #1" in saved.text
    await sam.press_label("It helped")
    [thanks] = await sam.wait_reply()
    assert "Thank you for telling me" in thanks.text
    await sam.send("/help")  # the bot is Sam's again
    [help_text] = await sam.wait_reply()
    assert "/coach" in help_text.text

    async with core.db.session() as session:
        handoff = (await session.execute(select(Handoff))).scalar_one()
        audit = [a.action for a in (await session.execute(
            select(HandoffAudit).order_by(HandoffAudit.id))).scalars()]
    assert (handoff.status, handoff.rating, handoff.closed_by) == ("closed", "helped", "coach")
    assert audit == ["claim", "view", "end", "note"]
    # Coaches never saw Sam's Telegram identity, and nothing identifying was logged.
    for text in coach_side_texts(telegram):
        for secret in SAM_TELEGRAM_SECRETS:
            assert secret not in text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "refused" in logged
    for secret in (*SAM_TELEGRAM_SECRETS, str(EVE_ID), "drank", "Hard night"):
        assert secret not in logged


async def test_consent_choices_are_what_the_coach_sees(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    alex = await join(telegram, core, ALEX_ID, "Alex")
    sam = await onboard_sam(telegram)
    await sam.send("/coach")
    await sam.wait_reply()
    assert sam.last_buttons() == ["Yes, they can see it", "No, keep it private"]
    await sam.press_label("No, keep it private")
    [queued] = await sam.wait_reply()
    assert "know you only as #1" in queued.text
    await handoff_tick(core, core.clock.now(), core.transport)
    [alert] = await alex.wait_reply()
    assert "nothing beyond their number" in alert.text
    await alex.press_label("Claim")
    [claimed] = await alex.wait_reply()
    assert "Nothing beyond their number" in claimed.text
    for text in coach_side_texts(telegram):
        assert "Sam" not in text
        for secret in SAM_TELEGRAM_SECRETS:
            assert secret not in text


async def test_non_coaches_get_a_polite_no_to_coach_commands(telegram: FakeTelegram) -> None:
    eve = telegram.user(EVE_ID, first_name="Eve")
    for command in ("/queue", "/duty on"):
        await eve.send(command)
        [reply, *_] = await eve.wait_reply()
        assert "that's for coaches" in reply.text
    await eve.send("/coach_join NOT-A-REAL-CODE")
    [reply] = await eve.wait_reply()
    assert "That code didn't work" in reply.text


async def test_nobody_claims_in_time(
    telegram: FakeTelegram, core: RecoveryBot, clock: FixedClock
) -> None:
    kim = telegram.user(5550010, first_name="Kim")
    await kim.send("/start")
    await kim.wait_reply()
    await kim.press_label("That's okay with me")
    await kim.wait_reply()
    await kim.send("skip")  # no name: nothing to share, straight to the queue
    await kim.wait_reply()
    await kim.send("/coach")
    [intro_and_queued] = await kim.wait_reply()  # joined into one message
    assert "A coach is a real person" in intro_and_queued.text
    assert "If nobody is free within 15 minutes" in intro_and_queued.text
    await handoff_tick(core, clock.now(), core.transport)
    clock.advance(timedelta(minutes=15))
    report = await handoff_tick(core, clock.now(), core.transport)
    assert report.timeouts == 1
    [notice] = await kim.wait_reply()
    assert "no coach has been free in the last 15 minutes" in notice.text
    assert "988" in notice.text  # default country US: the 988 Lifeline
    assert "still in the queue as #1" in notice.text
