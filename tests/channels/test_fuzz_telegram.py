"""Thousands of generated updates through the real PTB Application and the Bot API double.

Garbage and huge text, every update kind, forged and stale button data, group chats, edited
messages, strangers pressing buttons. Afterwards: no traceback or error text reached anyone,
no update ended in the error handler, the bot still answers, and a prepared person's plan and
settings are exactly as before.
"""

from __future__ import annotations

import logging
import random
import string
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.coaching.models import Plan, PlanVersion
from bot.devtools import FakeTelegram, FakeUser
from bot.storage.models import Person as PersonRow
from tests.helpers import Person, onboard

SEED = 20261123
USERS = 40
UPDATES_PER_USER = 60  # 2,400 fuzzed updates, plus a closing /help per chat
PREPARED = "console:prepared"


def garbage_text(rng: random.Random) -> str:
    kind = rng.randrange(9)
    if kind == 0:
        return "".join(rng.choice(string.printable) for _ in range(rng.randrange(1, 80)))
    if kind == 1:
        return "x" * rng.choice((4096, 5000, 20000))
    if kind == 2:
        return "/" + rng.choice(("start", "help", "plan", "checkin", "delete", "export",
                                 "settings", "coach", "end", "pause", "resume", "nonsense",
                                 "queue", "duty on", "cancel", "continue", "privacy",
                                 "coach_join ABCDEF", "progress", "explore"))
    if kind == 3:
        return "".join(chr(rng.randrange(0x80, 0x2FFFF)) for _ in range(rng.randrange(1, 40))
                       ).encode("utf-8", "ignore").decode("utf-8", "ignore") or "?"
    if kind == 4:
        return rng.choice(("skip", "back", "yes", "no", "8pm", "25:99", "-1", "11", "0",
                           "Europe/Nowhere", "United Kingdom", "\u200b", " ", "\n\n", "🙂"))
    if kind == 5:
        return "<script>alert(1)</script>{{ person }}{% raw %}"
    if kind == 6:
        return "\x00\x01\x02 nul and controls"
    return rng.choice(("hello", "I want to talk to a human", "I had a hard day",
                       "What can you do?", "Start my plan"))


def forged_data(rng: random.Random) -> str:
    return rng.choice((
        "", "x" * 64, "0:yes", f"{rng.randrange(1000)}:__skip__", "h:claim:1:AAAA",
        "h:rate:1:good:" + "A" * 22, "999999:value", "::::", "1:" + "é" * 20,
        f"{rng.randrange(50)}:{rng.choice(('delete', 'keep', 'yes', 'no', 'done'))}",
    ))


async def one_update(rng: random.Random, user: FakeUser, group: FakeUser) -> None:
    choice = rng.randrange(12)
    if choice <= 3:
        await user.send(garbage_text(rng))
    elif choice == 4:
        await rng.choice((user.send_sticker, user.send_voice, user.send_photo,
                          user.send_document))()
    elif choice == 5:
        try:
            await user.edit_last(garbage_text(rng))
        except LookupError:  # nothing typed yet to edit
            await user.send("hi")
    elif choice == 6:
        labels = user.last_buttons()
        if labels:
            await user.press_label(rng.choice(labels))  # a real (maybe stale) button
        else:
            await user.send(garbage_text(rng))
    elif choice == 7:
        await user.send_raw({"callback_query": {
            "id": f"forged-{rng.random()}", "from": user.user, "chat_instance": "x",
            "data": forged_data(rng),
        }})
    elif choice == 8:
        await group.send(garbage_text(rng))
    elif choice == 9:
        await group.send_raw({"callback_query": {
            "id": f"forged-group-{rng.random()}", "from": group.user, "chat_instance": "g",
            "message": {"message_id": 1, "date": 0, "chat": group.chat}, "data": forged_data(rng),
        }})
    elif choice == 10:
        await user.send_raw(rng.choice(_odd_updates(user)))
    else:
        await user.send_raw({"message": {"message_id": 10**6 + rng.randrange(1000), "date": 0,
                                         "chat": user.chat, "from": user.user,
                                         "new_chat_title": "x"}})


def _odd_updates(user: FakeUser) -> list[dict[str, Any]]:
    me = user.user
    return [
        {"inline_query": {"id": "iq", "from": me, "query": "hi", "offset": ""}},
        {"my_chat_member": {"chat": user.chat, "from": me, "date": 0,
                            "old_chat_member": {"status": "member", "user": me},
                            "new_chat_member": {"status": "kicked", "user": me,
                                                "until_date": 0}}},
        {"channel_post": {"message_id": 1, "date": 0, "text": "channel",
                          "chat": {"id": -100123, "type": "channel", "title": "c"}}},
        {"edited_channel_post": {"message_id": 1, "date": 0, "edit_date": 1, "text": "e",
                                 "chat": {"id": -100123, "type": "channel", "title": "c"}}},
    ]


async def snapshot(core: RecoveryBot) -> tuple[Any, ...]:
    async with core.db.session() as session:
        person = (await session.execute(
            select(PersonRow).where(PersonRow.user_key == PREPARED))).scalar_one()
        plan = (await session.execute(
            select(PlanVersion.content, PlanVersion.version).join(Plan)
            .where(Plan.person_id == person.id))).all()
        return (person.preferred_name, person.reason, person.pathway, person.country,
                person.timezone, person.checkin_time, [tuple(r) for r in plan])


async def test_fuzzed_updates_never_break_the_bot(
    telegram: FakeTelegram, core: RecoveryBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot")
    prepared = Person(core, "prepared")
    await onboard(prepared, name="Prepared")
    await prepared.press("Start my plan")
    from tests.coaching.plan_script import SCRIPT_TO_PLAN

    for kind, value in SCRIPT_TO_PLAN:
        await (prepared.press(value) if kind == "press" else prepared.say(value))
    before = await snapshot(core)

    rng = random.Random(SEED)
    people = [telegram.user(900000 + n, first_name="Fuzz") for n in range(USERS)]
    groups = [telegram.user(900000 + n, first_name="Fuzz", chat_type="group")
              for n in range(USERS)]
    for _ in range(UPDATES_PER_USER):
        for user, group in zip(people, groups, strict=True):
            await one_update(rng, user, group)
    # Every chat's last word is /help: when its answer arrives, its earlier updates are done.
    for user in people:
        user.mark_seen()
        await user.send("/help")
    for user in people:
        for _ in range(50):
            replies = await user.wait_reply(timeout=60)
            if any("What you can do any time" in r.text for r in replies):
                break
        else:
            raise AssertionError("a fuzzed person stopped getting answers")

    texts = [m.text or "" for m in telegram.sent]
    assert not [t for t in texts if "Traceback" in t or "Error" in t or "Exception" in t]
    handler_errors = [r for r in caplog.records if "error while handling an update" in
                      r.getMessage()]
    assert handler_errors == [], handler_errors[0].getMessage()
    assert await snapshot(core) == before
