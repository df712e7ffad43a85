"""The bot's core as a person meets it: onboarding, bad input, commands, concurrency.

Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.engine.messages import Inbound
from bot.storage.models import Conversation
from bot.storage.models import Person as PersonRow
from tests.helpers import Person, onboard


async def profile(core: RecoveryBot, key: str) -> PersonRow:
    async with core.db.session() as session:
        row = (await session.execute(select(PersonRow).where(PersonRow.user_key == key)))
        return row.scalar_one()


async def test_onboarding_collects_what_the_person_chose_to_share(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    assert sam.templates == ["onboarding/hello", "onboarding/consent"]
    assert "not a therapist" in sam.text and "emergency" in sam.text
    await sam.press("That's okay with me")
    assert sam.templates == ["onboarding/ask_name"]
    await sam.say("Sam")
    assert sam.templates == ["onboarding/reflect_name", "onboarding/ask_reason"]
    await sam.say("I keep drinking more than I mean to")
    assert "you keep drinking more than you mean to" in sam.text  # heard, said back
    assert "I keep drinking" not in sam.text  # not pasted
    await sam.press("Stopping")
    await sam.press("United Kingdom")
    # The UK has one time zone, so we go straight to the check-in time.
    assert sam.templates == ["onboarding/ask_checkin"]
    await sam.say("8.30pm")
    assert sam.templates == ["onboarding/reflect_checkin", "onboarding/all_set", "onboarding/offer"]
    assert "20:30" in sam.text
    row = await profile(core, sam.key)
    assert (row.preferred_name, row.pathway, row.country) == ("Sam", "stopping", "GB")
    assert (row.timezone, row.checkin_time) == ("Europe/London", "20:30")
    assert row.consented_at is not None and row.onboarded_at is not None


async def at_the_country_question(core: RecoveryBot) -> Person:
    """Someone who agreed, skipped their name and reason, and is not sure of their pathway."""
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("skip")
    await sam.press("Skip")
    await sam.press("Not sure yet")
    return sam


async def test_country_with_several_zones_asks_for_the_zone(core: RecoveryBot) -> None:
    sam = await at_the_country_question(core)
    await sam.say("usa")
    assert sam.templates == ["onboarding/ask_timezone"]
    assert "Pacific (Los Angeles)" in sam.buttons
    await sam.say("somewhere nice")
    assert sam.templates == ["system/invalid_timezone", "onboarding/ask_timezone"]
    await sam.press("Pacific (Los Angeles)")
    await sam.press("No daily check-in")
    row = await profile(core, sam.key)
    assert row.timezone == "America/Los_Angeles" and row.checkin_time is None
    assert row.preferred_name is None and row.reason is None


async def test_a_country_whose_zones_keep_one_time_asks_no_zone(core: RecoveryBot) -> None:
    """Germany has two zones in the database (Berlin, Büsingen) that tell the same time: no
    "Tap one" with nothing to tap but Skip."""
    sam = await at_the_country_question(core)
    await sam.say("Germany")
    assert sam.templates == ["onboarding/ask_checkin"]
    assert (await profile(core, sam.key)).timezone == "Europe/Berlin"


async def test_without_a_country_or_zone_the_check_in_is_not_dropped_without_a_word(
    core: RecoveryBot,
) -> None:
    sam = await at_the_country_question(core)
    await sam.press("Skip")
    assert sam.templates == ["onboarding/ask_timezone"]
    assert "Tap one" not in sam.text and list(sam.buttons) == ["Skip"]
    await sam.press("Skip")
    assert sam.templates[0] == "onboarding/no_checkin_yet"
    assert "/checkin_time" in sam.text


async def test_declining_consent_keeps_nothing(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("Not right now")
    assert sam.templates == ["onboarding/declined"]
    assert "won't keep anything" in sam.text
    async with core.db.session() as session:  # as promised: not even a row
        assert (await session.execute(select(PersonRow))).first() is None
        assert (await session.execute(select(Conversation))).first() is None
    await sam.say("hello?")  # starts again, kindly
    assert sam.templates[-1] == "onboarding/consent"


@pytest.mark.parametrize("command", ["/plan", "/explore", "/checkin", "/export", "/coach",
                                     "/progress", "/settings"])
async def test_commands_before_consent_ask_for_it_first(core: RecoveryBot, command: str) -> None:
    sam = Person(core)
    await sam.say(command)
    assert sam.templates == ["system/consent_first", "onboarding/hello", "onboarding/consent"]
    await sam.press("Not right now")
    await sam.say(command)  # still not: asked again, nothing stored
    assert sam.templates[0] == "system/consent_first"
    async with core.db.session() as session:
        assert (await session.execute(select(PersonRow.consented_at))).scalar() is None


async def test_help_privacy_and_resources_work_before_consent(core: RecoveryBot) -> None:
    sam = Person(core)
    for command in ("/help", "/privacy", "/resources"):
        await sam.say(command)
        assert "system/consent_first" not in sam.templates, command


async def test_typed_answer_where_buttons_were_expected_reasks_with_buttons(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.say("maybe later?")
    assert sam.templates == ["system/invalid_choice", "onboarding/consent"]
    assert sam.last[-1].buttons, "the re-ask shows the buttons again"
    await sam.say("that's okay with me")  # typing a label counts as tapping it
    assert sam.templates == ["onboarding/ask_name"]


async def test_stale_and_forged_buttons_change_nothing(
    core: RecoveryBot, clock: FixedClock
) -> None:
    sam = Person(core)
    await sam.say("/start")
    old = sam.buttons["That's okay with me"]
    await sam.press("That's okay with me")
    clock.advance(timedelta(minutes=1))
    await sam.press_data(old)  # pressed again later (at once it would be a double tap)
    assert sam.templates == ["system/stale_button", "onboarding/ask_name"]
    for forged in ("", "garbage", "999:agree", f"{old.split(':')[0]}:drop table", "::", "x" * 64):
        await sam.press_data(forged)
        assert sam.templates[0] == "system/stale_button"
    await sam.say("Sam")
    assert (await profile(core, sam.key)).preferred_name == "Sam"


async def test_an_old_button_after_cancel_says_so_with_nothing_dangling(
    core: RecoveryBot,
) -> None:
    """After /cancel there is no question to show: no "Here's where we are now:" with
    nothing after it."""
    sam = Person(core)
    await onboard(sam)
    await sam.say("/settings")
    old = sam.buttons["My name"]
    await sam.say("/cancel")
    await sam.press_data(old)
    assert sam.templates == ["system/stale_button"]
    assert "Here's where we are now" not in sam.text and "/help" in sam.text


@pytest.mark.parametrize("media", ["sticker", "photo", "voice", "document"])
async def test_media_gets_a_kind_reply_and_the_question_again(
    core: RecoveryBot, media: str
) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.send_media(media)
    assert sam.templates == ["system/unsupported_media", "onboarding/consent"]


async def test_bad_text_never_breaks_the_conversation(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("x" * 4096)  # a name can't be 4,096 characters
    assert sam.templates == ["system/too_long", "onboarding/ask_name"]
    await sam.say("   ")
    assert sam.templates == ["system/empty_message", "onboarding/ask_name"]
    await sam.say("/frobnicate")
    assert sam.templates == ["system/unknown_command", "onboarding/ask_name"]
    await sam.say("{{ 7 * 7 }} \x00 \u202e")  # template syntax and control characters are text
    assert sam.templates[0] == "onboarding/reflect_name"
    assert "{{ 7 * 7 }}" in sam.text


async def test_long_reason_is_kept_whole(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("skip")
    await sam.say("word " * 190)
    assert sam.templates[-1] == "onboarding/ask_pathway"
    assert len((await profile(core, sam.key)).reason or "") > 900


async def test_cancel_keeps_the_place_and_the_flow_can_be_resumed(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.say("/settings")
    await sam.press("My name")
    await sam.say("/cancel")
    assert sam.templates == ["system/cancelled"]
    await sam.say("/settings")
    assert sam.templates == ["system/resume_offer"]
    await sam.press("Carry on where I was")
    assert sam.templates == ["settings/ask_name"]
    await sam.say("Sammy")
    assert (await profile(core, sam.key)).preferred_name == "Sammy"


async def test_cancel_in_a_check_in_promises_nothing_it_does_not_keep(
    core: RecoveryBot,
) -> None:
    """A check-in starts afresh each time: /cancel doesn't say answers were kept, and
    /continue has nothing to bring back."""
    sam = Person(core)
    await onboard(sam)
    await sam.say("/checkin")
    await sam.say("/cancel")
    assert sam.templates == ["system/cancelled"]
    assert "kept your answers" not in sam.text and "start it again" in sam.text
    await sam.say("/continue")
    assert "system/resume_offer" not in sam.templates


async def test_help_in_the_middle_of_a_flow_returns_to_the_question(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("/help")
    assert sam.templates == ["system/help", "onboarding/ask_name"]
    await sam.say("/privacy")
    assert sam.templates == ["system/privacy", "onboarding/ask_name"]


async def test_back_goes_to_the_previous_question(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("Sam")
    await sam.say("back")
    assert sam.templates == ["onboarding/ask_name"]
    await sam.say("Sam R")
    assert (await profile(core, sam.key)).preferred_name == "Sam R"


async def test_messages_at_once_from_one_person_never_interleave(core: RecoveryBot) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    # Five answers arrive together: each is taken in order, one question at a time.
    answers = ["Sam", "Feeling ready", "Stopping", "United Kingdom", "9am"]
    await asyncio.gather(*(sam.say(text) for text in answers))
    row = await profile(core, sam.key)
    assert row.preferred_name == "Sam" and row.reason == "Feeling ready"
    assert row.checkin_time == "09:00" and row.onboarded_at is not None


async def test_many_people_at_once_keep_their_own_answers(core: RecoveryBot) -> None:
    people = [Person(core, f"p{i}") for i in range(12)]
    await asyncio.gather(*(onboard(p, name=f"Name{i}") for i, p in enumerate(people)))
    for i, person in enumerate(people):
        assert (await profile(core, person.key)).preferred_name == f"Name{i}"


async def test_a_second_worker_continues_the_same_conversation(
    core: RecoveryBot, settings, database, clock
) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    other = await RecoveryBot.create(settings, clock=clock, db=database, migrate=False)
    sam_elsewhere = Person(other)
    await sam_elsewhere.say("Sam")
    assert sam_elsewhere.templates == ["onboarding/reflect_name", "onboarding/ask_reason"]
    async with core.db.session() as session:
        conv = (await session.execute(select(Conversation))).scalar_one()
        assert conv.data["frames"][0]["state"] == "reason"


async def test_a_redelivered_update_is_answered_once(
    core: RecoveryBot, settings, database, clock  # type: ignore[no-untyped-def]
) -> None:
    sam = Person(core)
    await sam.say("/start")
    await sam.press("That's okay with me")
    name = Inbound(sam.key, clock.now(), text="Sam", update_id=1001)
    assert [r.template for r in await core.handle(name)] == [
        "onboarding/reflect_name", "onboarding/ask_reason"]
    assert await core.handle(name) == []  # Telegram sent it again: no second answer
    # The same update reaching two workers at the same moment is handled by one of them.
    other_db = type(database)(database.url.render_as_string(hide_password=False),
                              schema=database.schema)
    other = await RecoveryBot.create(settings, clock=clock, db=other_db, migrate=False)
    try:
        reason = Inbound(sam.key, clock.now(), text="My kids", update_id=1002)
        answers = await asyncio.gather(core.handle(reason), other.handle(reason))
    finally:
        await other_db.dispose()
    assert sorted(len(a) for a in answers)[0] == 0
    asked = max(answers, key=len)[-1]
    assert asked.template == "onboarding/ask_pathway"
    row = await profile(core, sam.key)
    assert (row.preferred_name, row.reason) == ("Sam", "My kids")
    # A new update goes on from where the person is.
    await sam.press_data(next(b.data for b in asked.buttons if b.label == "Stopping"))
    assert sam.templates[-1] == "onboarding/ask_country"


async def test_what_people_type_is_encrypted_at_rest(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam, name="Sam")
    async with core.db.engine.connect() as conn:
        from sqlalchemy import text

        row = (await conn.execute(text("SELECT preferred_name, reason FROM people"))).one()
        state = (await conn.execute(text("SELECT data FROM conversations"))).scalar_one()
    assert "Sam" not in row[0] and "drinking" not in row[1]
    assert "drinking" not in state and "Sam" not in state
    assert (await profile(core, sam.key)).reason == "I want to feel in charge of my drinking again"


async def test_a_step_run_again_after_a_write_conflict_sends_its_messages_once(
    core: RecoveryBot, backend: str
) -> None:
    """A crisis in a live coach chat alerts the coach after commit, once, even when the step
    had to run again because another worker wrote the conversation meanwhile."""
    from sqlalchemy import update
    from sqlalchemy.orm.exc import StaleDataError

    from bot.ports import StepContext
    from bot.storage.db import Database
    from tests.handoff.support import join_as_coach, tick_messages

    alex = await join_as_coach(core, "alex", "Alex")
    kim = Person(core, "kim")
    await kim.say("/start")
    await kim.press("That's okay with me")
    await kim.say("skip")
    await kim.say("/coach")  # no name: nothing to share, straight to the queue
    [(_, alert)] = await tick_messages(core)
    await alex.press_data(alert.buttons[0].data)
    assert alex.templates[0] == "coach/claimed"

    attempts: list[int] = []
    other_worker = Database(core.db.url.render_as_string(hide_password=False),
                            schema=core.db.schema)

    async def another_worker_writes_first(inbound: Inbound, conv: object,
                                          ctx: StepContext) -> None:
        attempts.append(1)
        if len(attempts) > 1 or ctx.person.user_key != kim.key:
            return
        if backend == "postgres":  # a real second writer bumps the version under our feet
            async with other_worker.session() as session:
                await session.execute(update(Conversation)
                                      .where(Conversation.person_id == ctx.person.id)
                                      .values(version=Conversation.version + 1))
        else:  # SQLite has one writer: the conflict it would raise, raised here
            raise StaleDataError("the conversation was written by another worker meanwhile")

    core.registry.after(another_worker_writes_first)
    try:
        replies = await core.handle(Inbound(kim.key, core.clock.now(),
                                            text="I don't want to be here anymore"))
    finally:
        core.registry.after_step.remove(another_worker_writes_first)
        await other_worker.dispose()
    assert len(attempts) == 2  # the step ran twice
    to_coach = [reply for reply in replies if reply.to == alex.key]
    assert [reply.template for reply in to_coach] == ["coach/crisis_alert"]
    assert "I don't want to be here anymore" in to_coach[0].text
