"""Logs never hold what a person typed, their names or their Telegram id.

A whole conversation through the real PTB Application and the Bot API double, with the
bot's loggers at DEBUG: onboarding, a change plan, a check-in, a coach chat, /export and
/delete. Then every captured log line (and its traceback) is searched for all of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.app import RecoveryBot
from bot.cli import LIBRARY_LOGGERS, quiet_libraries
from bot.devtools import FakeTelegram, FakeUser
from bot.handoff import handoff_tick
from tests.coaching.plan_script import SCRIPT_TO_PLAN
from tests.handoff.test_handoff_telegram import join

PERSON_ID, COACH_ID = 7130001, 7130002
TELEGRAM_NAMES = ("Quinn", "quinn_tg", "Alex-tg", "alex_tg")
CHOSEN_NAME = "Morgan"
TYPED = ("I want my mornings back", "Go for a walk first thing", "Last night was rough",
         "I'm here. Tell me more?", *(value for kind, value in SCRIPT_TO_PLAN
                                      if kind == "say" and len(value) > 8))


async def until_question(user: FakeUser) -> list:  # type: ignore[type-arg]
    """Replies up to the next message with buttons."""
    got = await user.wait_reply()
    while not got[-1].buttons:
        got += await user.wait_reply()
    return got


async def step(user: FakeUser, value: str, *, press: bool = False) -> list:  # type: ignore[type-arg]
    user.mark_seen()
    await (user.press_label(value) if press else user.send(value))
    return await until_question(user)


@pytest.fixture
def debug_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `LOG_LEVEL=DEBUG recovery-bot run` sets it up, captured."""
    before = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="bot")
    quiet_libraries()
    yield caplog
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


async def test_a_whole_conversation_logs_no_text_names_or_ids(
    telegram: FakeTelegram, core: RecoveryBot, debug_logging: pytest.LogCaptureFixture
) -> None:
    caplog = debug_logging
    person = telegram.user(PERSON_ID, first_name="Quinn", username="quinn_tg")
    await person.send("/start")
    await until_question(person)
    await step(person, "That's okay with me", press=True)
    await person.send(CHOSEN_NAME)
    await person.wait_reply()
    await step(person, "I want my mornings back")
    await step(person, "Cutting down", press=True)
    await step(person, "United Kingdom", press=True)
    await step(person, "9pm")
    await step(person, "Start my plan", press=True)
    for kind, value in SCRIPT_TO_PLAN:
        await step(person, value, press=kind == "press")
    person.mark_seen()
    await person.press_label("That's all for now")
    await person.wait_reply()
    await step(person, "/checkin")
    for label in ("Really hard", "9", "More than I meant to"):
        await step(person, label, press=True)
    await step(person, "It was after work, the usual crowd")
    person.mark_seen()
    await person.send("Go for a walk first thing")
    await person.wait_reply()

    coach = await join(telegram, core, COACH_ID, "Alex")
    await step(person, "/coach")
    while "Yes, they can see it" in person.last_buttons() or \
            "Yes, share it" in person.last_buttons():
        person.mark_seen()
        await person.press_label(person.last_buttons()[0])
        await person.wait_reply()
    await handoff_tick(core, core.clock.now(), core.transport)
    await until_question(coach)
    coach.mark_seen()
    await coach.press_label("Claim")
    await coach.wait_reply()
    await person.wait_reply()
    await person.send("Last night was rough")
    await coach.wait_reply()
    person.mark_seen()
    await coach.send("I'm here. Tell me more?")
    await person.wait_reply()
    person.mark_seen()
    await person.send("/export")
    files = await person.wait_reply(count=2)
    assert [f.document is not None for f in files] == [True, True]
    await step(person, "/delete")
    await step(person, "Yes, delete everything", press=True)
    person.mark_seen()
    await person.press_label("Delete it all now")
    await person.wait_reply()
    await coach.wait_reply()

    assert any(r.name.startswith("bot.") for r in caplog.records), "the capture isn't working"
    secrets = (*TYPED, CHOSEN_NAME, *TELEGRAM_NAMES, str(PERSON_ID), str(COACH_ID))
    leaks = [secret for secret in secrets if secret in caplog.text]
    assert leaks == [], f"logs contain {leaks}"


def test_an_error_is_logged_by_type_and_place_never_by_its_message() -> None:
    from bot.errors import where_it_failed

    key, typed = f"telegram:{PERSON_ID}", f"{CHOSEN_NAME} wrote: {TYPED[2]}"
    try:
        try:
            raise KeyError(key)
        except KeyError as inner:
            raise ValueError(typed) from inner
    except ValueError as exc:
        logged = where_it_failed(exc)
    assert "ValueError" in logged and "test_logs.py" in logged and "KeyError" in logged
    assert "Morgan" not in logged and "rough" not in logged and "7130001" not in logged
