"""The crisis response through the bot's core, in every state, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.composition import compose
from bot.handoff.models import Handoff
from bot.safety.clinical import screen_for_clinical
from bot.safety.crisis import screen_for_crisis
from bot.scheduling.models import DONE, SCHEDULED
from tests.handoff.support import join_as_coach, tick_messages
from tests.helpers import Person, onboard
from tests.safety.support import CRISIS_TEXT, crisis_templates, safety_events
from tests.scheduling.nudge_helpers import CollectingTransport, nudges_of, receive, send_due

FIRST = ["safety/crisis_first", "safety/crisis_lines", "safety/crisis_now",
         "safety/crisis_offer"]


def test_the_crisis_screen_runs_before_every_other_screen() -> None:
    registry = compose()
    assert registry.screens[0] is screen_for_crisis
    assert registry.screens[-1] is screen_for_clinical


async def test_crisis_before_onboarding_then_onboarding_as_usual(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say(CRISIS_TEXT)
    assert sam.templates == FIRST
    assert "988" in sam.text and "911" in sam.text  # the default country's lines, from data
    assert CRISIS_TEXT not in sam.text
    assert list(sam.buttons) == ["Talk with a person (a coach)", "I'm okay right now"]
    await sam.press("I'm okay right now")
    await sam.say("you misunderstood")
    assert sam.templates == ["safety/crisis_close"]
    await sam.say("/start")
    assert sam.templates == ["onboarding/hello", "onboarding/consent"]


async def test_crisis_mid_onboarding_then_onboarding_resumes(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("Sam")
    assert sam.last[-1].template == "onboarding/ask_reason"
    await sam.say("honestly i just want to die")
    assert sam.templates == FIRST
    await sam.press("I'm okay right now")
    await sam.press("I'm okay for now")
    assert sam.templates == ["safety/crisis_close", "system/resuming", "onboarding/ask_reason"]


async def test_crisis_mid_settings_uses_their_country_and_resumes(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam, country="United Kingdom")
    await sam.press("Later")
    await sam.say("/settings")
    asked = sam.last[-1].template
    await sam.say("i took too many pills and i feel really weird")
    assert sam.templates == FIRST
    assert "999" in sam.text and "Samaritans" in sam.text and "116 123" in sam.text
    assert "911" not in sam.text and "988" not in sam.text
    assert "If you have naloxone, use it." in sam.text
    [event] = await safety_events(core, sam.key)
    assert event.category == "overdose"
    await sam.press("I'm okay right now")
    await sam.press("I'm okay for now")
    assert sam.templates[-1] == asked


async def test_crisis_mid_plan_is_not_taken_as_an_answer_and_the_plan_resumes(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    await sam.press("Let's dive in")
    assert sam.templates == ["plan/ask_changes"]
    await sam.say(CRISIS_TEXT)
    # The crisis response comes first and alone: no reflection, no next plan question.
    assert sam.templates == FIRST
    assert all(reply.flow == "crisis" for reply in sam.last)
    assert CRISIS_TEXT not in sam.text
    # A single "I'm fine" does not close it: the bot checks back once, lines still there.
    await sam.say("I'm fine")
    assert sam.templates == ["safety/crisis_check_back"]
    assert sam.text.startswith("Okay. I'm still here.") and "116 123" in sam.text
    await sam.press("I'm okay for now")
    assert sam.templates == ["safety/crisis_close", "system/resuming", "plan/ask_changes"]
    # The plan goes on where it was, and the crisis text is not one of its answers.
    await sam.say("Fewer drinks on weeknights")
    assert sam.templates[0] == "plan/reflect_changes"
    async with core.db.session() as session:
        raw = (await session.execute(text("SELECT data FROM conversations"))).scalars().all()
    assert all("alive" not in str(value) for value in raw)
    events = await safety_events(core, sam.key)
    assert [(e.category, e.about_other) for e in events] == [("suicide", False)]


async def test_a_question_in_the_middle_is_answered_then_the_check_back_asked_briefly(
    core: RecoveryBot,
) -> None:
    """After an aside (a medicine question) the check-back question comes again on its own,
    not the whole "Okay. I'm still here" and the lines a second time."""
    sam = Person(core)
    await onboard(sam)
    await sam.say(CRISIS_TEXT)
    await sam.say("I'm fine")
    assert sam.text.count("I'm still here") == 1
    await sam.say("should I stop my methadone?")
    assert sam.templates[-1] == "safety/crisis_check_back"
    assert "I'm still here" not in sam.text and "talk to your prescriber" not in sam.last[-1].text
    assert sam.last[-1].text.startswith("Would you like a coach")
    assert sam.buttons


async def test_a_country_without_checked_numbers_is_given_none_of_another_countrys(
    core: RecoveryBot,
) -> None:
    """Someone in Ireland (no referral file then) was told to call 911 and the 988 Lifeline:
    now their local emergency number, and an honest word that we have no checked lines."""
    ana = Person(core)
    await onboard(ana, name="Ana", country="Germany", checkin="9pm")
    await ana.press("Later")
    await ana.say("i took all my pills")
    assert ana.templates == FIRST
    assert "I don't have checked numbers for Germany yet" in ana.text
    assert "your local emergency number" in ana.text
    assert not any(number in ana.text for number in ("911", "988", "999", "lines above"))
    await ana.press("Talk with a person (a coach)")
    assert "call your local emergency number now" in ana.text and "911" not in ana.text
    await ana.say("/resources")
    assert "I don't have services checked for Germany yet" in ana.text
    await ana.say("/cancel")
    await ana.say("should I stop my methadone?")
    assert "911" not in ana.text and "SAMHSA" not in ana.text
    assert "don't stop methadone or buprenorphine suddenly" in ana.text


async def test_someone_in_ireland_gets_irish_lines(core: RecoveryBot) -> None:
    ana = Person(core)
    await onboard(ana, name="Ana", country="Ireland", checkin="9pm")
    await ana.press("Later")
    await ana.say(CRISIS_TEXT)
    assert "call 112" in ana.text and "116 123" in ana.text and "50808" in ana.text
    assert "911" not in ana.text and "988" not in ana.text


async def test_crisis_mid_check_in_and_the_check_in_resumes(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/checkin")
    question = sam.last[-1].template
    await sam.say("my boyfriend hits me when he drinks")
    assert sam.templates == FIRST
    assert "safer place" in sam.text
    await sam.press("I'm okay right now")
    await sam.press("I'm okay for now")
    assert sam.templates[-1] == question
    [event] = await safety_events(core, sam.key)
    assert (event.category, event.rule) == ("violence", "violence.being_hurt")


async def test_after_the_direct_question_mid_check_in_the_question_comes_back_plainly(
    core: RecoveryBot,
) -> None:
    """"Let's carry on." then "Back to your check-in" said the same thing twice, and the
    question came back with its whole "days like this are part of recovery" again."""
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/checkin")
    await sam.press("Really hard")
    await sam.say("9")
    await sam.press("More than I meant to")
    assert sam.templates == ["checkin/ask_what_happened"]
    await sam.say("idk i just cant do this anymore")
    assert sam.templates == ["safety/crisis_check"]
    await sam.say("no im not in danger just tired")
    assert sam.templates == ["safety/crisis_check_safe", "system/resuming",
                             "checkin/ask_what_happened"]
    assert "Let's carry on" not in sam.text and "undo" not in sam.last[-1].text


async def test_safety_events_keep_no_text_and_go_with_the_person(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("he won't wake up after using, his lips are blue")
    assert sam.templates == FIRST
    assert "Stay with them" in sam.text
    async with core.db.session() as session:
        rows = (await session.execute(text("SELECT * FROM safety_events"))).mappings().all()
        assert len(rows) == 1
        assert "wake" not in str(dict(rows[0])) and "blue" not in str(dict(rows[0]))
        assert rows[0]["about_other"] in (True, 1)
        await session.execute(text("DELETE FROM people"))
    async with core.db.session() as session:
        left = (await session.execute(text("SELECT count(*) FROM safety_events"))).scalar()
    assert left == 0


async def test_the_coach_button_opens_an_urgent_handoff(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say(CRISIS_TEXT)
    await sam.press("Talk with a person (a coach)")
    assert sam.templates[0] == "safety/crisis_coach_requested"
    assert "first in the queue" in sam.text and "Samaritans" in sam.text
    # Nothing in the way: no consent questions first; the line comes before the coach.
    assert sam.templates == ["safety/crisis_coach_requested"]
    assert not any(reply.buttons for reply in sam.last)
    assert sam.text.index("Samaritans") < sam.text.index("first in the queue")
    assert "on duty now" in sam.text  # no coaching hours set: coaches are on duty
    assert "#1" in sam.text and "Anything else is yours to tell them" in sam.text
    async with core.db.session() as session:
        row = (await session.execute(select(Handoff))).scalar_one()
        stored_reason = (await session.execute(text("SELECT reason FROM handoffs"))).scalar()
    assert row.urgent and row.reason == "crisis" and row.status == "waiting"
    assert stored_reason != "crisis"  # a health detail: encrypted at rest


@pytest.mark.parametrize(("typed", "coach"), [
    ("Yes, I'm not safe", True), ("yes please", True), ("help", True),
    ("no im ok", False), ("im scared", False),
])
async def test_the_offer_of_a_coach_answered_in_words(
    core: RecoveryBot, typed: str, coach: bool
) -> None:
    """"Yes, I'm not safe" typed at the offer got "Okay. I'm still here." as if they were
    fine."""
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say(CRISIS_TEXT)
    await sam.say(typed)
    if coach:
        assert sam.templates[0] == "safety/crisis_coach_requested"
        return
    assert sam.templates == ["safety/crisis_check_back"]
    assert sam.text.startswith("Okay." if typed == "no im ok" else "I hear you.")


async def test_outside_coaching_hours_the_wait_is_told_honestly(
    settings, database, clock: FixedClock  # type: ignore[no-untyped-def]
) -> None:
    # The fixed clock stands at 09:00 UTC on a weekday; coaches are around 18:00-22:00.
    late = settings.model_copy(update={"coaching_hours": "18:00-22:00",
                                       "handoff_claim_timeout_minutes": 1})
    core = await RecoveryBot.create(late, clock=clock, db=database, migrate=False)
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say(CRISIS_TEXT)
    await sam.press("Talk with a person (a coach)")
    assert "No coach is on duty right now" in sam.text and "18:00" in sam.text
    clock.advance(timedelta(minutes=2))
    [(to, notice)] = [m for m in await tick_messages(core) if m[0] == sam.key]
    assert "in the last minute." in notice.text and "1 minutes" not in notice.text
    receive(sam, [notice])
    # Their next message, whatever it is, is met with care, not a list of commands.
    await sam.say("is anyone there?")
    assert "still in the queue for a coach" in sam.text
    assert "/resources" in sam.text


async def test_a_crisis_in_a_live_coach_chat_tells_that_coach_and_offers_no_other(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    alex = await join_as_coach(core, "alex", "Alex")
    await sam.say("/coach")
    while "handoff/queued" not in sam.templates:
        await sam.press(next(iter(sam.buttons)))
    [(_, alert)] = await tick_messages(core)
    await alex.press_data(alert.buttons[0].data)
    replies = await sam.say(CRISIS_TEXT)
    mine = [r for r in replies if r.to in (None, sam.key)]
    assert [r.template for r in mine][:3] == FIRST[:3]
    assert "safety/crisis_with_coach" in [r.template for r in mine]
    assert not any("Talk with a person" in b.label for r in mine for b in r.buttons)
    to_coach = [r for r in replies if r.to == alex.key]
    assert [r.template for r in to_coach] == ["coach/crisis_alert"]


async def test_a_crisis_while_waiting_for_a_coach_makes_it_urgent_and_offers_no_other(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/coach")
    while "handoff/queued" not in sam.templates:
        await sam.press(next(iter(sam.buttons)))
    async with core.db.session() as session:
        assert not (await session.execute(select(Handoff))).scalar_one().urgent
    await sam.say(CRISIS_TEXT)
    assert sam.templates == [*FIRST[:3], "safety/crisis_coach_waiting"]
    assert "already in the queue" in sam.text
    assert not any(reply.buttons for reply in sam.last)
    async with core.db.session() as session:
        [row] = (await session.execute(select(Handoff))).scalars().all()
    assert row.urgent and row.status == "waiting"


async def test_follow_up_an_hour_later(core: RecoveryBot, clock: FixedClock) -> None:
    transport = CollectingTransport()
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    await sam.press("Let's dive in")
    await sam.say(CRISIS_TEXT)
    await sam.press("I'm okay right now")
    await sam.press("I'm okay for now")
    assert (await nudges_of(core, sam.key))["safety_followup"].status == SCHEDULED

    clock.advance(timedelta(minutes=59))
    stats = await send_due(core, transport, clock.now())
    assert stats.sent == 0 and not transport.to(sam.key)

    clock.advance(timedelta(minutes=1))
    await send_due(core, transport, clock.now())
    followup = transport.to(sam.key)
    assert [m.template for m in followup] == ["safety/crisis_followup"]
    assert "checking in like I said I would" in followup[0].text
    receive(sam, followup)
    await sam.press("Still hard")
    assert sam.templates == ["safety/crisis_lines", "safety/crisis_followup_hard"]
    assert "Samaritans" in sam.text
    await sam.press("Not now")
    # ...and then back to the plan question they were on.
    assert sam.templates == ["safety/crisis_followup_later", "system/resuming",
                             "plan/ask_changes"]
    assert (await nudges_of(core, sam.key))["safety_followup"].status == DONE


async def test_a_new_crisis_moves_the_one_follow_up(core: RecoveryBot, clock: FixedClock) -> None:
    sam = Person(core)
    await sam.say(CRISIS_TEXT)
    clock.advance(timedelta(minutes=30))
    await sam.say("i want to kill myself")
    assert crisis_templates(sam.templates) == FIRST
    nudge = (await nudges_of(core, sam.key))["safety_followup"]
    assert nudge.due_at == clock.now() + timedelta(hours=1)
    assert len(await safety_events(core, sam.key)) == 2


async def test_ordinary_messages_do_not_start_it(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    for said in ("I'm dying for a drink", "that meeting killed me", "I had a rough night"):
        await sam.say(said)
        assert not crisis_templates(sam.templates), said
    assert await safety_events(core, sam.key) == []


async def test_a_friends_words_passed_on_are_answered_about_the_friend(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("my mate just texted me this: 'cant do this anymore, sorry for everything. "
                  "tell my mum i love her'")
    assert sam.templates[0] == "safety/crisis_first"
    assert "someone else's words" in sam.text and "Is the person who wrote them safe" in sam.text
    [event] = await safety_events(core, sam.key)
    assert event.about_other in (True, 1)


async def test_a_threat_passed_on_is_about_the_person_who_got_it(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("he just texted me: 'you're dead when I get home, I'll kill you'")
    assert sam.templates[0] == "safety/crisis_first"
    assert "someone else's words" not in sam.text
    assert "safety comes first" in sam.text  # the response for someone in danger themselves
