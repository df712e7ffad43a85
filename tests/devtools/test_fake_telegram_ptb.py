"""The double, driven by a real python-telegram-bot Application over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.devtools import FakeTelegram

CHOICES = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ]
    ]
)
errors: list[BaseException] = []


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes text back."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks a yes/no question with inline buttons."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("Ready?", reply_markup=CHOICES)


async def send_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a small file."""
    assert update.effective_chat is not None
    await context.bot.send_document(
        update.effective_chat.id,
        document=b"%PDF-1.4 plan",
        filename="plan.pdf",
        caption="Your plan",
    )


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the press, edits the question and confirms the choice."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer("Noted")
    await query.edit_message_text(f"Ready? {query.data}")
    await context.bot.send_message(query.message.chat.id, f"you chose {query.data}")


async def describe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Names the kind of non-text message received."""
    message = update.effective_message
    assert message is not None
    kinds = {"sticker": message.sticker, "photo": message.photo, "voice": message.voice}
    kind = next((name for name, part in kinds.items() if part), "document")
    if message.document:
        file = await message.document.get_file()
        kind += f" {bytes(await file.download_as_bytearray()).decode()}"
    await message.reply_text(kind)


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledges an edited message."""
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"edited: {update.edited_message.text}")


async def record_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keeps handler errors for assertions."""
    assert context.error is not None
    errors.append(context.error)


def build_app(fake: FakeTelegram, read_timeout: float = 5.0) -> Application:  # type: ignore[type-arg]
    """A real Application pointed at the double, with this test's handlers."""
    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .read_timeout(read_timeout)
        .build()
    )
    app.add_handler(CommandHandler("ask", ask))
    app.add_handler(CommandHandler("report", send_report))
    app.add_handler(CallbackQueryHandler(choose))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.ATTACHMENT | filters.Sticker.ALL, describe))
    app.add_error_handler(record_error)
    return app


@pytest.fixture
async def app(fake: FakeTelegram) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The test Application, polling the double."""
    errors.clear()
    application = build_app(fake)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def test_text_round_trip(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice = fake.user(1, first_name="Alice")
    await alice.send("hello")
    [reply] = await alice.wait_reply()
    assert reply.text == "echo: hello"
    assert reply.method == "sendMessage"
    assert reply.message["from"]["is_bot"] is True
    assert reply.message["message_id"] == 2  # ids are per chat, shared with the user's message
    await alice.send("again")
    [reply] = await alice.wait_reply()
    assert reply.message_id == 4


async def test_users_have_separate_chats(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice, bob = fake.user(1), fake.user(2)
    await alice.send("from alice")
    await bob.send("from bob")
    assert [m.text for m in await bob.wait_reply()] == ["echo: from bob"]
    assert [m.text for m in await alice.wait_reply()] == ["echo: from alice"]


async def test_buttons_and_press_round_trip(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice = fake.user(1)
    await alice.send("/ask")
    [question] = await alice.wait_reply()
    assert question.buttons == [[("Yes", "yes"), ("No", "no")]]
    assert alice.last_buttons() == ["Yes", "No"]
    await alice.press_label("Yes")
    [confirmation] = await alice.wait_reply()
    assert confirmation.text == "you chose yes"
    edit = next(s for s in fake.sent if s.method == "editMessageText")
    assert (edit.message_id, edit.text, edit.buttons) == (question.message_id, "Ready? yes", [])
    assert alice.last_buttons() == []  # editing without reply_markup removed the keyboard
    assert [a.get("text") for a in fake.world.callback_answers.values()] == ["Noted"]


async def test_press_unknown_button_fails_fast(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    with pytest.raises(LookupError):
        await fake.user(1).press_label("Nope")


async def test_send_document_bytes_arrive(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice = fake.user(1)
    await alice.send("/report")
    [sent] = await alice.wait_reply()
    assert sent.method == "sendDocument"
    assert sent.document is not None
    assert (sent.document.data, sent.document.filename) == (b"%PDF-1.4 plan", "plan.pdf")
    assert sent.document.mime_type == "application/pdf"
    assert sent.text == "Your plan"
    file = await app.bot.get_file(sent.message["document"]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 plan"


async def test_other_update_kinds(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice = fake.user(1)
    await alice.send_sticker()
    assert [m.text for m in await alice.wait_reply()] == ["sticker"]
    await alice.send_photo()
    assert [m.text for m in await alice.wait_reply()] == ["photo"]
    await alice.send_voice()
    assert [m.text for m in await alice.wait_reply()] == ["voice"]
    await alice.send_document(b"my notes", "notes.txt")
    assert [m.text for m in await alice.wait_reply()] == ["document my notes"]
    await alice.send("draft")
    await alice.wait_reply()
    await alice.edit_last("final")
    assert [m.text for m in await alice.wait_reply()] == ["edited: final"]


async def test_raw_update(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice = fake.user(1)
    message = {"message_id": 99, "date": 0, "chat": alice.chat, "from": alice.user, "text": "raw"}
    update = await alice.send_raw({"message": message})
    assert update["update_id"] >= 1
    assert [m.text for m in await alice.wait_reply()] == ["echo: raw"]


async def test_wait_reply_times_out_with_what_arrived(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice = fake.user(1)
    await alice.send("one")
    with pytest.raises(TimeoutError, match="echo: one"):
        await alice.wait_reply(timeout=0.3, count=2)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_is_retry_after(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    fake.user(1)
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
        await app.bot.send_message(1, "hi")
    await app.bot.send_message(1, "hi")  # only the next call failed
    assert [s.text for s in fake.sent] == ["hi"]


@pytest.mark.parametrize("status", [500, 502])
async def test_5xx_is_network_error(fake: FakeTelegram, app: Application, status: int) -> None:  # type: ignore[type-arg]
    fake.user(1)
    fake.fail_next("sendMessage", status=status, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await app.bot.send_message(1, "hi")


async def test_blocked_user_is_forbidden(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    alice = fake.user(1)
    fake.block_user(alice.chat_id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(alice.chat_id, "hi")
    await alice.send("hello")  # a handler's send fails the same way
    await fake.wait_for_call("sendMessage", count=2)
    fake.unblock_user(alice.chat_id)
    await app.bot.send_message(alice.chat_id, "welcome back")
    assert [s.text for s in fake.sent] == ["welcome back"]
    assert any(isinstance(e, Forbidden) for e in errors)


async def test_injected_403(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    fake.user(1)
    fake.fail_next("sendMessage", status=403)
    with pytest.raises(Forbidden):
        await app.bot.send_message(1, "hi")


async def test_delay_is_timed_out(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    fake.user(1)
    fake.delay_next("sendMessage", 1.0)
    with pytest.raises(TimedOut):
        await app.bot.send_message(1, "slow", read_timeout=0.2)


async def test_bad_requests_match_telegram(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(404, "nobody")
    fake.user(1)
    message = await app.bot.send_message(1, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await app.bot.edit_message_text("same", chat_id=1, message_id=message.message_id)
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
        await app.bot.send_message(1, "too long", reply_markup=long)


async def test_bot_settings_and_chat(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    await app.bot.set_my_commands([("start", "Begin"), ("help", "What I can do")])
    assert [(c.command, c.description) for c in await app.bot.get_my_commands()] == [
        ("start", "Begin"),
        ("help", "What I can do"),
    ]
    await app.bot.delete_my_commands()
    assert await app.bot.get_my_commands() == ()
    fake.user(1, first_name="Alice", username="alice")
    chat = await app.bot.get_chat(1)
    assert (chat.type, chat.first_name, chat.username) == ("private", "Alice", "alice")
    assert await app.bot.send_chat_action(1, "typing") is True
    assert app.bot.username == "fake_test_bot"
