"""The Telegram channel end to end: the real PTB Application against the Bot API double."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.devtools import FakeTelegram
from bot.storage.models import Person as PersonRow


async def person_row(core: RecoveryBot, user_id: int) -> PersonRow:
    async with core.db.session() as session:
        query = select(PersonRow).where(PersonRow.user_key == f"telegram:{user_id}")
        return (await session.execute(query)).scalar_one()


async def test_command_menu_is_set_at_start(telegram: FakeTelegram) -> None:
    call = await telegram.wait_for_call("setMyCommands")
    names = [command["command"] for command in call["commands"]]
    assert names[0] == "start" and {"settings", "help", "privacy", "cancel"} <= set(names)
    assert all(command["description"] for command in call["commands"])


async def test_onboarding_with_buttons_and_text(telegram: FakeTelegram, core: RecoveryBot) -> None:
    ada = telegram.user(1001, first_name="Ada", username="ada_l")
    await ada.send("/start")
    [hello] = await ada.wait_reply()  # the welcome and the consent question, as one message
    assert "recovery coaching companion" in hello.text and "okay with you" in hello.text
    assert ada.last_buttons() == ["That's okay with me", "Tell me more first", "Not right now"]
    await ada.press_label("That's okay with me")
    [ask_name] = await ada.wait_reply()
    assert "call you" in ask_name.text
    # The answered question loses its buttons, so it can't be answered twice.
    await telegram.wait_for_call("editMessageReplyMarkup")
    await telegram.wait_for_call("answerCallbackQuery")
    await ada.send("Ada")
    await ada.wait_reply()
    await ada.send("I'd like my evenings back")
    await ada.wait_reply()
    await ada.press_label("Cutting down")
    await ada.wait_reply()
    await ada.press_label("Canada")
    [zone] = await ada.wait_reply()
    assert "Eastern (Toronto)" in ada.last_buttons()
    await ada.press_label("Eastern (Toronto)")
    await ada.wait_reply()
    await ada.send("7:30pm")
    [done] = await ada.wait_reply()
    assert "19:30" in done.text and "all set" in done.text
    row = await person_row(core, 1001)
    assert (row.preferred_name, row.country, row.timezone) == ("Ada", "CA", "America/Toronto")
    assert row.checkin_time == "19:30" and row.onboarded_at is not None


async def test_scale_buttons_sit_side_by_side() -> None:
    from bot.channels.telegram_format import keyboard
    from bot.engine.messages import Button

    markup = keyboard([Button(str(n), f"1:{n}") for n in range(11)] + [Button("Skip", "1:s")])
    rows = [[b.text for b in row] for row in markup.inline_keyboard]
    assert rows == [["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"], ["Skip"]]


async def test_media_edits_and_forged_buttons_get_kind_replies(telegram: FakeTelegram) -> None:
    bo = telegram.user(1002)
    await bo.send("/start")
    await bo.wait_reply()
    await bo.send_sticker()
    [sorry] = await bo.wait_reply()
    assert "stickers" in sorry.text and sorry.buttons  # the kind note, then the question again
    await bo.send_voice()
    [sorry] = await bo.wait_reply()
    assert "voice messages" in sorry.text
    await bo.send("hmm")
    await bo.wait_reply()
    await bo.edit_last("changed my mind")
    [note] = await bo.wait_reply()
    assert "edited" in note.text
    last = bo.messages[-1]
    await bo.send_raw({"callback_query": {  # a modified client can send any data
        "id": "forged-1", "from": bo.user, "chat_instance": "1002",
        "message": last.message, "data": "1:delete_everything",
    }})
    [stale] = await bo.wait_reply()
    assert "earlier question" in stale.text


async def test_a_group_chat_gets_a_polite_note_and_nothing_is_stored(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    member = telegram.user(1003, chat_type="group")
    await member.send("/start")
    [note] = await member.wait_reply()
    assert "private" in note.text
    async with core.db.session() as session:
        assert (await session.execute(select(PersonRow))).first() is None


async def test_flood_control_is_waited_out(telegram: FakeTelegram) -> None:
    cy = telegram.user(1004)
    telegram.fail_next("sendMessage", status=429, retry_after=1)
    await cy.send("/start")
    [reply] = await cy.wait_reply(timeout=10)
    assert "glad you're here" in reply.text


async def test_a_server_error_is_retried(telegram: FakeTelegram) -> None:
    di = telegram.user(1005)
    telegram.fail_next("sendMessage", status=502)
    await di.send("/start")
    [reply] = await di.wait_reply(timeout=10)
    assert reply.buttons


async def test_a_person_who_blocked_the_bot_is_marked_inactive(
    telegram: FakeTelegram, core: RecoveryBot
) -> None:
    ed = telegram.user(1006)
    await ed.send("/start")
    await ed.wait_reply()
    telegram.block_user(1006)
    await ed.send("/help")
    for _ in range(50):
        if not (await person_row(core, 1006)).active:
            break
        await asyncio.sleep(0.05)
    assert not (await person_row(core, 1006)).active
    telegram.unblock_user(1006)
    await ed.send("/help")  # writing again makes them reachable again
    await ed.wait_reply()
    assert (await person_row(core, 1006)).active


async def test_a_long_reply_is_split_to_fit(telegram: FakeTelegram) -> None:
    from bot.channels.telegram_format import split_text

    text = ("word " * 200 + "\n") * 6
    parts = split_text(text)
    assert len(parts) == 2 and all(len(part) <= 4096 for part in parts)
    assert [w for part in parts for w in part.split()] == text.split()


def test_a_long_relayed_message_is_never_cut_mid_word() -> None:
    """One 5,000-character paragraph with no line breaks (a relayed message): cut at a space;
    a run with no space at all is cut, but never inside an HTML entity."""
    from bot.channels.telegram_format import split_text

    words = [f"w{i:04d}" for i in range(900)]
    text = " ".join(words)
    parts = split_text(text)
    assert len(parts) == 2 and all(len(part) <= 4096 for part in parts)
    assert [w for part in parts for w in part.split()] == words
    entities = "&amp;" * 1000
    assert all(part.startswith("&") and part.endswith(";") for part in split_text(entities))


async def test_logs_never_contain_what_a_person_wrote(
    telegram: FakeTelegram, caplog: "pytest.LogCaptureFixture"
) -> None:
    import logging

    from bot.cli import configure_logging
    from bot.config import Settings

    configure_logging(Settings(_env_file=None))
    caplog.set_level(logging.INFO)
    secret_name, secret_reason = "Zephyrine", "my brother found my stash in the garage"
    fay = telegram.user(424242, username="fay_secret")
    await fay.send("/start")
    await fay.wait_reply()
    await fay.press_label("That's okay with me")
    await fay.wait_reply()
    await fay.send(secret_name)
    await fay.wait_reply()
    telegram.block_user(424242)  # errors get logged too
    await fay.send(secret_reason)
    await asyncio.sleep(0.5)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "blocked the bot" in logged  # the capture works: the block was logged
    for secret in (secret_name, "stash", "fay_secret", "424242", telegram.token):
        assert secret not in logged


def test_plain_replies_are_joined_but_buttons_and_files_stay_apart() -> None:
    from bot.channels.telegram_format import merge_texts
    from bot.engine.messages import Attachment, Button, Outbound

    a = Outbound("Thanks.", "x/a")
    b = Outbound("Next question?", "x/b", buttons=(Button("Yes", "1:y"),))
    c = Outbound("Here's the file.", "x/c", attachment=Attachment("p.txt", b"x", "text/plain"))
    d = Outbound("For the coach", "x/d", to="telegram:9")
    merged = merge_texts([a, b, c, d])
    assert [m.text for m in merged] == ["Thanks.\n\nNext question?", "Here's the file.",
                                        "For the coach"]
    assert merged[0].buttons == b.buttons
    assert merge_texts([Outbound("x" * 4000, "k"), Outbound("y" * 200, "k")])[1].text == "y" * 200


async def test_typing_instead_of_tapping_leaves_only_the_current_question_with_buttons(
    telegram: FakeTelegram,
) -> None:
    """Old keyboards are taken off once the conversation has moved on: after a journey
    typed rather than tapped, only the latest question still has buttons."""
    ivy = telegram.user(1101, first_name="Ivy")
    for text in ("/start", "That's okay with me", "Ivy", "skip", "Not sure yet", "United Kingdom"):
        await ivy.send(text)
        await ivy.wait_reply()
    world = telegram.world
    live = [key for key, sent in world.latest.items()
            if key[0] == 1101 and any(row for row in sent.buttons)]
    assert len(live) == 1, live
    [(_, newest)] = live
    assert newest == max(m for c, m in world.latest if c == 1101)


async def test_a_flood_from_one_person_is_handled_fairly_and_keeps_what_matters(
    telegram: FakeTelegram,
) -> None:
    """60 messages at once from one person: only a few are handled (their own queue), a
    crisis told in the middle is still answered with the crisis response, the last message
    of the burst is answered, and someone else writing meanwhile is answered too."""
    from bot.channels.telegram import PER_PERSON_QUEUE

    flo = telegram.user(1201, first_name="Flo")
    await flo.send("/start")
    await flo.wait_reply()
    flo.mark_seen()
    other = telegram.user(1202, first_name="Oli")
    burst = [f"spam {n}" for n in range(30)] + ["i want to die"] + [f"spam {n}" for n in range(30)]
    for text in burst[:-1]:
        await flo.send(text)
    await other.send("/start")
    await flo.send("/help")  # the last of the burst
    [hello] = await other.wait_reply(timeout=10)
    assert hello.buttons
    async with asyncio.timeout(20):
        while not any("What I can do" in m.text or "/plan" in m.text for m in flo.messages[-3:]):
            await asyncio.sleep(0.05)
    texts = [m.text for m in flo.messages]
    assert any("Samaritans" in t or "988" in t or "emergency" in t for t in texts), texts
    assert len(texts) <= 3 * (PER_PERSON_QUEUE + 2)  # not 60 answers


async def test_a_double_tap_answers_once_and_repeats_nothing(telegram: FakeTelegram) -> None:
    """Two presses of the same button before the bot has answered the first: the answer is
    taken once, and the second press neither repeats the question nor says it is old."""
    uma = telegram.user(1201, first_name="Uma")
    await uma.send("/start")
    await uma.wait_reply()
    consent = telegram.world.find_sent(1201, lambda s: "That's okay with me" in s.labels)
    assert consent is not None
    data = next(d for row in consent.buttons for text, d in row if text == "That's okay with me")
    await uma.press(data, consent.message_id)
    await uma.press(data, consent.message_id)
    [ask_name] = await uma.wait_reply()
    assert "call you" in ask_name.text
    await telegram.wait_for_call("answerCallbackQuery", count=2)  # both presses were handled
    await uma.send("Uma")  # the next message is answered, and nothing came in between
    replies = await uma.wait_reply()
    assert all("call you" not in r.text and "earlier" not in r.text for r in replies), replies


async def test_a_hard_moment_typed_at_the_time_zone_buttons_is_heard(
    telegram: FakeTelegram,
) -> None:
    """Through the Bot API double: typed instead of a time zone, a hard moment gets its
    feeling heard (not "I couldn't find that time zone"), and the question comes back."""
    bo = telegram.user(1004, first_name="Bo")
    await bo.send("/start")
    await bo.wait_reply()
    await bo.press_label("That's okay with me")
    await bo.wait_reply()
    await bo.send("Bo")
    await bo.wait_reply()
    await bo.send("skip")
    await bo.wait_reply()
    await bo.press_label("Stopping")
    await bo.wait_reply()
    await bo.press_label("Canada")
    await bo.wait_reply()
    await bo.send("talked to my dad today, it was really hard")
    [heard] = await bo.wait_reply()
    assert "hard time" in heard.text and "couldn't find" not in heard.text
    await bo.press_label("Let's carry on")
    replies = await bo.wait_reply()
    assert "Eastern (Toronto)" in bo.last_buttons(), [r.text for r in replies]
