"""A handoff through the bot's core, as the person and two coaches meet it.

Runs on SQLite and PostgreSQL. The Telegram end-to-end version is in test_handoff_telegram.py.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.handoff.coaches import remove_coach
from bot.handoff.models import Coach, Handoff, HandoffAudit, HandoffMessage
from bot.handoff.signing import sign
from tests.handoff.support import invite, join_as_coach, sent_to, tick_messages
from tests.helpers import Person, onboard
from tests.scheduling.nudge_helpers import CollectingTransport, send_due


async def rows(core: RecoveryBot, model: type) -> list:  # type: ignore[type-arg]
    async with core.db.session() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def ask_for_coach(person: Person, *, share_name: bool = True) -> None:
    await person.say("/coach")
    assert person.templates[:2] == ["handoff/intro", "handoff/ask_share_name"]
    await person.press("Yes, they can see it" if share_name else "No, keep it private")
    assert person.templates == ["handoff/queued"]


async def test_invite_and_join_with_asked_or_given_name(core: RecoveryBot) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    assert "Alex" in alex.text or alex.templates == ["coach/duty_on"]
    code = await invite(core, name="Robin")
    robin = Person(core, "robin")
    await robin.say(f"/coach_join {code}")
    assert robin.templates == ["coach/joined"] and "Robin" in robin.text
    # The code works once.
    other = Person(core, "other")
    await other.say(f"/coach_join {code}")
    assert other.templates == ["coach/join_invalid"]
    coaches = await rows(core, Coach)
    assert [c.display_name for c in coaches] == ["Alex", "Robin"]


async def test_an_expired_code_is_refused(core: RecoveryBot, clock: FixedClock) -> None:
    code = await invite(core, hours=48)
    clock.advance(timedelta(hours=49))
    late = Person(core, "late")
    await late.say(f"/coach_join {code}")
    assert late.templates == ["coach/join_invalid"]
    await late.say("/coach_join")
    assert late.templates == ["coach/join_invalid"]


async def test_handoff_end_to_end_with_relay_note_and_rating(core: RecoveryBot) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    sam = Person(core, "sam")
    await onboard(sam, name="Sam")
    await ask_for_coach(sam)
    assert "your name" in sam.text

    [(to, alert)] = await tick_messages(core)
    assert to == alex.key and alert.template == "coach/alert"
    assert "#1" in alert.text and "name" in alert.text and "Sam" not in alert.text
    await alex.press_data(alert.buttons[0].data)
    assert alex.templates[0] == "coach/claimed"
    assert "Name: Sam" in alex.text
    [here] = sent_to(alex.last, sam.key)
    assert here.template == "handoff/coach_here" and "Alex" in here.text

    await sam.say("I had a rough night")
    [relayed] = sam.last
    assert relayed.to == alex.key and relayed.text == "#1: I had a rough night"
    await alex.say("I'm glad you reached out. What happened?")
    [back] = alex.last
    assert back.to == sam.key and back.text.startswith("Alex (coach): I'm glad")

    await alex.say("/end")
    assert alex.templates[0] == "coach/you_ended"
    [closed] = sent_to(alex.last, sam.key)
    assert closed.template == "handoff/closed_by_coach"
    rating = {b.label: b.data for b in closed.buttons}
    await alex.say("Talked through the evening; will check back tomorrow.")
    assert alex.templates == ["coach/note_saved"]

    await sam.press_data(rating["It helped"])
    assert sam.templates == ["handoff/rating_thanks"]
    await sam.press_data(rating["It was okay"])  # asked once
    assert sam.templates == ["handoff/rating_already"]
    await sam.say("hello")  # the bot talks with Sam again
    assert sam.last and all(reply.to is None for reply in sam.last)

    [handoff] = await rows(core, Handoff)
    assert (handoff.status, handoff.rating, handoff.closed_by) == ("closed", "helped", "coach")
    assert handoff.note and handoff.note.startswith("Talked through")
    texts = [(m.sender, m.text) for m in await rows(core, HandoffMessage)]
    assert texts == [("person", "I had a rough night"),
                     ("coach", "I'm glad you reached out. What happened?")]
    actions = [a.action for a in await rows(core, HandoffAudit)]
    assert actions == ["claim", "view", "end", "note"]


async def test_person_ends_and_the_coach_is_asked_for_a_note(core: RecoveryBot) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    sam = Person(core, "sam")
    await onboard(sam)
    await ask_for_coach(sam, share_name=False)
    [(_, alert)] = await tick_messages(core)
    await alex.press_data(alert.buttons[0].data)
    assert "Nothing beyond their number" in alex.text and "Sam" not in alex.text
    await sam.say("/end")
    assert sam.templates[0] == "handoff/closed_by_you"
    assert [b.label for b in sam.last[0].buttons] == [
        "It helped", "It was okay", "It didn't really help"]
    [ended] = sent_to(sam.last, alex.key)
    assert ended.template == "coach/person_ended"
    await alex.say("skip")
    assert alex.templates == ["coach/note_skipped"]
    await sam.say("are you still there?")  # no relay any more
    assert all(reply.to is None for reply in sam.last)


async def test_leaving_the_queue_before_a_claim(core: RecoveryBot) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    sam = Person(core, "sam")
    await ask_for_coach_without_name(sam)
    [(_, alert)] = await tick_messages(core)
    await sam.say("/end")
    assert sam.templates[0] == "handoff/withdrawn"
    await alex.press_data(alert.buttons[0].data)
    assert alex.templates == ["coach/gone"]


async def consent_only(person: Person) -> None:
    """Agreed to what the bot keeps, and skipped the name: nothing to share yet."""
    await person.say("/start")
    await person.press("That's okay with me")
    await person.say("skip")


async def ask_for_coach_without_name(person: Person) -> None:
    await consent_only(person)
    await person.say("/coach")  # no name, plan or check-ins: straight to the queue
    assert person.templates[:2] == ["handoff/intro", "handoff/queued"]  # then onboarding resumes


async def test_asking_in_words_starts_a_handoff(core: RecoveryBot) -> None:
    sam = Person(core, "sam")
    await onboard(sam)
    await sam.say("Honestly, can I talk to a real person?")
    assert sam.templates[:2] == ["handoff/intro", "handoff/ask_share_name"]
    await sam.say("I feel like a real person again")  # not a request
    assert "handoff/intro" not in sam.templates


async def test_simultaneous_claims_exactly_one_wins(core: RecoveryBot) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    robin = await join_as_coach(core, "robin", "Robin")
    sam = Person(core, "sam")
    await ask_for_coach_without_name(sam)
    alerts = await tick_messages(core)
    assert {to for to, _ in alerts} == {alex.key, robin.key}
    data = alerts[0][1].buttons[0].data
    await asyncio.gather(alex.press_data(data), robin.press_data(data))
    outcomes = sorted([alex.templates[0], robin.templates[0]])
    assert outcomes == ["coach/claimed", "coach/taken"]
    [handoff] = await rows(core, Handoff)
    winner = alex if alex.templates[0] == "coach/claimed" else robin
    coaches = {c.id: c.display_name for c in await rows(core, Coach)}
    assert coaches[handoff.coach_id] == ("Alex" if winner is alex else "Robin")
    assert [a.action for a in await rows(core, HandoffAudit)].count("claim") == 1


async def test_non_coaches_and_forged_buttons_are_refused(
    core: RecoveryBot, caplog: pytest.LogCaptureFixture
) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    sam = Person(core, "sam")
    await ask_for_coach_without_name(sam)
    [(_, alert)] = await tick_messages(core)
    eve = Person(core, "eve")
    caplog.set_level(logging.INFO)
    for command in ("/queue", "/duty on"):
        await eve.say(command)
        assert eve.templates[0] == "coach/not_a_coach"
    await eve.press_data(alert.buttons[0].data)  # a real Claim button, replayed
    assert eve.templates == ["handoff/not_for_you"]
    await eve.press_data("h:claim:1:AAAAAAAAAAAAAAAAAAAAAA")  # forged signature
    assert eve.templates == ["handoff/button_refused"]
    await alex.press_data("h:claim:1")  # mangled, even from a coach
    assert alex.templates == ["handoff/button_refused"]
    [handoff] = await rows(core, Handoff)
    assert handoff.status == "waiting"
    # Sam's rating buttons are Sam's alone.
    await eve.press_data(sign(core.settings, "rate", handoff.id, "helped"))
    assert eve.templates == ["handoff/button_refused"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "refused" in logged and "eve" not in logged and "AAAA" not in logged


async def test_queue_lists_urgent_first_then_oldest(core: RecoveryBot, clock: FixedClock) -> None:
    from bot.handoff import open_handoff
    from bot.ports import StepContext as Deps
    from bot.storage.people import get_or_create_person

    alex = await join_as_coach(core, "alex", "Alex")
    await ask_for_coach_without_name(Person(core, "first"))
    clock.advance(timedelta(minutes=1))
    await ask_for_coach_without_name(Person(core, "second"))
    clock.advance(timedelta(minutes=1))
    async with core.db.session() as session:  # a crisis, as the safety screen would open it
        person = await get_or_create_person(session, "console:third", clock.now())
        deps = Deps(session=session, person=person, settings=core.settings, now=clock.now(),
                    services=core)
        urgent = await open_handoff(deps, reason="crisis", urgent=True)
        assert urgent.status == "waiting"
    await alex.say("/queue")
    assert alex.templates == ["coach/queue", "coach/queue_item", "coach/queue_item",
                              "coach/queue_item"]
    numbers = [reply.text.split(":")[0] for reply in alex.last[1:]]
    assert numbers == ["URGENT. #3", "#1", "#2"]


async def test_unclaimed_handoff_times_out_honestly(
    core: RecoveryBot, clock: FixedClock
) -> None:
    await join_as_coach(core, "alex", "Alex")
    sam = Person(core, "sam")
    await onboard(sam, country="United Kingdom")
    await ask_for_coach(sam, share_name=False)
    assert "15 minutes" in sam.text
    await tick_messages(core)  # coaches told
    clock.advance(timedelta(minutes=14))
    assert await tick_messages(core) == []
    clock.advance(timedelta(minutes=1))
    [(to, notice)] = await tick_messages(core)
    assert to == sam.key and notice.template == "handoff/timeout"
    assert "Samaritans" in notice.text and "116 123" in notice.text and "999" in notice.text
    assert "still in the queue as #1" in notice.text
    clock.advance(timedelta(minutes=30))
    assert await tick_messages(core) == []  # told once; not urgent, no re-alert
    [handoff] = await rows(core, Handoff)
    assert handoff.status == "waiting"


async def test_urgent_handoffs_re_alert_coaches(core: RecoveryBot, clock: FixedClock) -> None:
    from bot.handoff import open_handoff
    from bot.ports import StepContext as Deps
    from bot.storage.people import get_or_create_person

    alex = await join_as_coach(core, "alex", "Alex")
    async with core.db.session() as session:
        person = await get_or_create_person(session, "console:kim", clock.now())
        deps = Deps(session=session, person=person, settings=core.settings, now=clock.now(),
                    services=core)
        await open_handoff(deps, reason="crisis", urgent=True)
    [(to, alert)] = await tick_messages(core)
    assert to == alex.key and alert.text.startswith("URGENT")
    clock.advance(timedelta(minutes=15))
    sent = await tick_messages(core)
    assert sorted(m.template for _, m in sent) == ["coach/realert", "handoff/timeout"]


async def test_outside_coaching_hours_the_person_is_told_when(
    core: RecoveryBot, clock: FixedClock
) -> None:
    core.settings.coaching_hours = "10:00-18:00"  # the clock says 09:00 UTC
    core.settings.coaching_timezone = "UTC"
    sam = Person(core, "sam")
    await ask_for_coach_without_name(sam)
    assert "around at 10:00 (UTC time)" in sam.text


async def test_a_coach_cannot_claim_their_own_or_two_at_once(core: RecoveryBot) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    robin = await join_as_coach(core, "robin", "Robin")
    await alex.say("/coach")  # a coach may ask for a coach too
    assert alex.templates[-1] == "handoff/queued"
    await ask_for_coach_without_name(Person(core, "sam"))
    alerts = await tick_messages(core)
    # Alex isn't alerted about their own request.
    assert sorted((to, m.text[:2]) for to, m in alerts) == [
        (alex.key, "#2"), (robin.key, "#1"), (robin.key, "#2")]
    own = next(m for to, m in alerts if m.text.startswith("#1"))
    await alex.press_data(own.buttons[0].data)
    assert alex.templates == ["coach/own"]
    await robin.press_data(own.buttons[0].data)
    assert robin.templates[0] == "coach/claimed"
    second = next(m for to, m in alerts if m.text.startswith("#2"))
    await robin.press_data(second.buttons[0].data)
    assert robin.templates == ["coach/busy"]


async def test_non_coach_end_with_nothing_open(core: RecoveryBot) -> None:
    sam = Person(core, "sam")
    await sam.say("/end")
    assert sam.templates == ["handoff/nothing_to_end"]


async def test_a_removed_coach_s_person_is_told_and_queued_again(
    core: RecoveryBot, clock: FixedClock
) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    sam = Person(core, "sam")
    await onboard(sam, name="Sam")
    await ask_for_coach(sam)
    [(_, alert)] = await tick_messages(core)
    await alex.press_data(alert.buttons[0].data)
    [coach] = await rows(core, Coach)

    # The operator runs `recovery-bot coach remove` (another process, no Telegram).
    async with core.db.session() as session:
        assert await remove_coach(session, coach.id, clock.now())
    [handoff] = await rows(core, Handoff)
    assert (handoff.status, handoff.coach_id) == ("waiting", None)

    # The running bot's dispatcher tells Sam, once.
    transport = CollectingTransport()
    assert (await send_due(core, transport, clock.now())).sent == 1
    [(to, notice)] = transport.sent
    assert to == sam.key and notice.template == "handoff/coach_left"
    assert "has had to step away" in notice.text and "#1" in notice.text
    assert "If you're in danger right now, call" in notice.text  # the country's number
    clock.advance(timedelta(minutes=1))
    assert (await send_due(core, transport, clock.now())).sent == 0

    # Sam's messages no longer go to Alex, and the next coach can pick the chat up.
    await sam.say("hello?")
    assert all(reply.to != alex.key for reply in sam.last)
    robin = await join_as_coach(core, "robin", "Robin")
    [(to, again)] = await tick_messages(core)
    assert to == robin.key
    await robin.press_data(again.buttons[0].data)
    assert robin.templates[0] == "coach/claimed"


async def test_no_coach_left_notice_once_another_coach_has_the_chat(
    core: RecoveryBot, clock: FixedClock
) -> None:
    alex = await join_as_coach(core, "alex", "Alex")
    robin = await join_as_coach(core, "robin", "Robin")
    sam = Person(core, "sam")
    await onboard(sam, name="Sam")
    await ask_for_coach(sam)
    alerts = dict(await tick_messages(core))
    await alex.press_data(alerts[alex.key].buttons[0].data)
    alex_row = next(c for c in await rows(core, Coach) if c.display_name == "Alex")
    async with core.db.session() as session:
        await remove_coach(session, alex_row.id, clock.now())
    [(to, again)] = [m for m in await tick_messages(core) if m[0] == robin.key]
    await robin.press_data(again.buttons[0].data)  # Robin is quicker than the dispatcher
    transport = CollectingTransport()
    await send_due(core, transport, clock.now())
    assert transport.sent == []  # Robin's own hello said enough
