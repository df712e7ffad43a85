"""The Telegram channel: python-telegram-bot's `Application` in front of the bot's core.

Updates become `Inbound` messages; `Outbound` replies become Bot API calls. No dialogue
logic lives here. Private chats only: in a group the bot says so politely.

    TELEGRAM_BOT_TOKEN=... recovery-bot run
    TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot   # another Bot API server (optional)
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from telegram import (
    BotCommand,
    Message,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot import metrics
from bot.app import RecoveryBot
from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.telegram_format import (
    chat_id_of,
    keyboard,
    merge_texts,
    split_text,
    telegram_key,
    to_inbound,
)
from bot.channels.templates import NOT_FOR_YOU, PRIVATE_ONLY, SOMETHING_WENT_WRONG
from bot.config import Settings
from bot.engine.messages import Outbound
from bot.errors import where_it_failed
from bot.handoff.coaches import coach_for
from bot.safety import crisis_screen
from bot.storage.people import find_person

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 4
PER_PERSON_QUEUE = 5  # a person's updates waiting while one of theirs is in hand
LIVE_KEYBOARDS_KEPT = 10_000  # chats whose last question's buttons are remembered
SEND_POOL = 256  # connections for sends, as PTB's default


class TelegramChannel:
    """Turns updates into bot steps and replies into Bot API calls."""

    def __init__(self, core: RecoveryBot, application: Application) -> None:  # type: ignore[type-arg]
        self.core = core
        self.application = application
        # Per private chat, the message whose buttons are still live (this process's sends).
        self._live_keyboards: OrderedDict[int, int] = OrderedDict()
        # Per person with an update in hand, their updates waiting their turn.
        self._waiting: dict[int, deque[Update]] = {}

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handles any update, fairly: one person's updates are handled one at a time, and
        while one is in hand the next wait in a short queue of their own (at most
        PER_PERSON_QUEUE) without holding one of the application's concurrent slots. So a
        person sending hundreds of messages at once never delays anyone else's reply; when
        their queue is full the oldest waiting message that tells of no crisis gives way
        (counted in bot.metrics), and the latest message of a burst is always handled."""
        user = update.effective_user
        if user is None or self.core.settings.webhook_url:
            # Webhook mode answers each post only once its update is handled, so that an
            # update in hand when a process dies is delivered again: nothing may wait unseen.
            await self._handle_counted(update)
            return
        waiting = self._waiting.get(user.id)
        if waiting is not None:
            if len(waiting) >= PER_PERSON_QUEUE:
                waiting.remove(self._gives_way(waiting))
                metrics.updates_dropped.inc()
            waiting.append(update)
            return
        waiting = self._waiting[user.id] = deque()
        try:
            await self._handle_counted(update)
            while waiting:
                await self._handle_counted(waiting.popleft())
        finally:
            del self._waiting[user.id]

    def _gives_way(self, waiting: deque[Update]) -> Update:
        """The waiting update to drop from a full queue: the oldest that tells of no crisis."""
        for update in waiting:
            message = update.effective_message
            text = message.text if message is not None and update.callback_query is None else None
            if not text or crisis_screen(text, self.core.settings.locale) is None:
                return update
        return waiting[0]

    async def _handle_counted(self, update: Update) -> None:
        """Handles one update (counted and timed in bot.metrics)."""
        outcome = "error"
        try:
            with metrics.handler_seconds.time():
                await self._on_update(update)
            outcome = "ok"
        finally:
            metrics.updates_handled.labels(outcome).inc()

    async def _on_update(self, update: Update) -> None:
        """Private chats go to the core, groups get a polite note."""
        chat = update.effective_chat
        # A button pressed in a group (a coach's Claim in the coaches' chat) counts as the
        # presser's own: it reaches the core as them, and replies go to their private chat.
        in_group = chat is not None and chat.type != ChatType.PRIVATE
        if in_group and update.callback_query is None:
            await self._group_note(update)
            return
        inbound = to_inbound(update, self.core.clock.now())
        if inbound is None:
            return
        query = update.callback_query
        if in_group and query is not None and not await self._from_a_coach(inbound.user_key):
            # Someone in the coaches' chat who is not a coach: told so on the spot; the
            # Claim button stays for the coaches, and nothing about the presser is stored.
            await self._refuse_button(query.id)
            return
        replies = await self.core.handle(inbound)
        if query is not None:
            await self._settle_button(query.message, query.id)
        elif inbound.text and chat is not None and chat.type == ChatType.PRIVATE:
            # They typed instead of tapping: the conversation has moved on from those buttons.
            await self._retire_keyboard(chat.id)
        await self.deliver(replies, inbound.user_key)

    async def _from_a_coach(self, user_key: str) -> bool:
        async with self.core.db.session() as session:
            person = await find_person(session, user_key)
            return person is not None and await coach_for(session, person.id) is not None

    async def _refuse_button(self, query_id: str) -> None:
        text = self.core.engine.renderer.render(NOT_FOR_YOU, {})
        try:
            await self.application.bot.answer_callback_query(query_id, text=text, show_alert=True)
        except (BadRequest, NetworkError) as exc:
            log.info("could not answer a button press: %s", type(exc).__name__)

    async def _settle_button(self, message: Any, query_id: str) -> None:
        # Stop the spinner, and take the buttons off the answered question so they
        # can't be pressed twice.
        try:
            await self.application.bot.answer_callback_query(query_id)
            if isinstance(message, Message):
                await message.edit_reply_markup(reply_markup=None)
        except (BadRequest, NetworkError) as exc:
            log.info("could not settle a button press: %s", type(exc).__name__)

    async def _group_note(self, update: Update) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        username = self.application.bot.username or ""
        if message.text.startswith("/") or (username and f"@{username}" in message.text):
            text = self.core.engine.renderer.render(PRIVATE_ONLY, {"bot_username": username})
            await self._send_with_retries(message.chat_id, Outbound(text, PRIVATE_ONLY))

    async def deliver(self, replies: Sequence[Outbound], default_key: str) -> None:
        """Send replies in order; each to its own recipient."""
        for reply in merge_texts(replies):
            chat_id = chat_id_of(reply.to or default_key)
            if chat_id is None:
                log.warning("reply for a non-Telegram recipient dropped")
                continue
            await self.send(chat_id, reply, answer=reply.to in (None, default_key))

    async def send_to(self, user_key: str, reply: Outbound) -> bool:
        """Transport API: send to a person by user_key (nudges, relays)."""
        chat_id = chat_id_of(user_key)
        if chat_id is None:
            return False
        return await self.send(chat_id, reply)

    async def send(self, chat_id: int, reply: Outbound, *, answer: bool = False) -> bool:
        """Send one reply; False when the person blocked the bot (they are marked inactive).

        An `answer` (a reply in the person's own conversation, not a nudge, relay or coach
        alert) with buttons takes the buttons off the question before it."""
        try:
            message_id = await self._send_with_retries(chat_id, reply)
            if answer and reply.buttons and message_id is not None and chat_id > 0:
                await self._retire_keyboard(chat_id)
                self._remember_keyboard(chat_id, message_id)
        except Forbidden:
            log.info("a person has blocked the bot; marking them inactive")
            await self.core.mark_unreachable(telegram_key(chat_id))
            return False
        return True

    async def _send_with_retries(self, chat_id: int, reply: Outbound) -> int | None:
        """Send, retrying 429s and network errors; the id of the message with the buttons."""
        bot = self.application.bot
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                if reply.attachment is not None:
                    await self._send_attachment(chat_id, reply)
                    return None
                parts = split_text(reply.text)
                for index, part in enumerate(parts):
                    last = index == len(parts) - 1
                    sent = await bot.send_message(
                        chat_id, part, reply_markup=keyboard(reply.buttons) if last else None
                    )
                return sent.message_id
            except RetryAfter as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                delay = exc.retry_after
                seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else delay
                await asyncio.sleep(float(seconds))
            except (TimedOut, NetworkError) as exc:
                if isinstance(exc, BadRequest) or attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))
        return None  # not reached: the last attempt returns or raises

    def _remember_keyboard(self, chat_id: int, message_id: int) -> None:
        self._live_keyboards[chat_id] = message_id
        self._live_keyboards.move_to_end(chat_id)
        while len(self._live_keyboards) > LIVE_KEYBOARDS_KEPT:
            self._live_keyboards.popitem(last=False)

    async def _retire_keyboard(self, chat_id: int) -> None:
        """Take the buttons off the last question sent to this chat (best effort: an old
        button pressed anyway is recognised as stale by the core)."""
        message_id = self._live_keyboards.pop(chat_id, None)
        if message_id is None:
            return
        try:
            await self.application.bot.edit_message_reply_markup(chat_id, message_id,
                                                                 reply_markup=None)
        except TelegramError as exc:  # blocked, message gone...: the send after will tell
            log.info("could not take old buttons off: %s", type(exc).__name__)

    async def _send_attachment(self, chat_id: int, reply: Outbound) -> None:
        attachment = reply.attachment
        assert attachment is not None
        bot = self.application.bot
        caption = reply.text[: MessageLimit.CAPTION_LENGTH] if reply.text else None
        markup = keyboard(reply.buttons)
        if attachment.is_image:
            await bot.send_photo(chat_id, attachment.content, caption=caption,
                                 filename=attachment.filename, reply_markup=markup)
        else:
            await bot.send_document(chat_id, attachment.content, caption=caption,
                                    filename=attachment.filename, reply_markup=markup)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the error type (never message text) and tells the person kindly."""
        error = context.error
        log.error("error while handling an update: %s", where_it_failed(error))
        if isinstance(update, Update) and update.effective_chat is not None:
            chat = update.effective_chat
            if chat.type == ChatType.PRIVATE:
                text = self.core.engine.renderer.render(SOMETHING_WENT_WRONG, {})
                try:
                    await self._send_with_retries(chat.id, Outbound(text, SOMETHING_WENT_WRONG))
                except Exception as exc:  # noqa: BLE001 - nothing more we can do here
                    log.warning("could not send the error note: %s", type(exc).__name__)


def build_application(
    settings: Settings, core: RecoveryBot | None = None
) -> Application:  # type: ignore[type-arg]
    """A PTB Application wired to the bot's core (created at start-up when not given)."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required for the Telegram channel")
    builder = ApplicationBuilder().token(settings.telegram_bot_token)
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(base)
        root = base[: -len("/bot")] if base.endswith("/bot") else base
        builder = builder.base_file_url(root + "/file/bot")
    if settings.telegram_rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    builder = builder.concurrent_updates(settings.telegram_concurrent_updates)
    builder = builder.request(AiohttpRequest(SEND_POOL)).get_updates_request(AiohttpRequest(1))

    state: dict[str, TelegramChannel] = {}

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        bot_core = core or await RecoveryBot.create(settings)
        channel = TelegramChannel(bot_core, application)
        state["channel"] = channel
        application.bot_data["channel"] = channel
        application.add_handler(TypeHandler(Update, channel.on_update))
        application.add_error_handler(channel.on_error)
        renderer = bot_core.engine.renderer
        await application.bot.set_my_commands(
            [BotCommand(name, renderer.render(key, {})) for name, key in
             bot_core.engine.menu_entries()]
        )
        await bot_core.on_channel_ready(channel)

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        channel = state.get("channel")
        if channel is not None:
            await channel.core.on_channel_stopping()
            if core is None:
                await channel.core.close()

    return builder.post_init(post_init).post_shutdown(post_shutdown).build()


@asynccontextmanager
async def polling(application: Application, **kwargs: Any) -> AsyncIterator[None]:  # type: ignore[type-arg]
    """Run `application` with long polling inside an event loop someone else owns (tests,
    embedding): the same start-up and shutdown hooks as `run_polling`."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, **kwargs)
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()


def use_fast_event_loop() -> None:
    """Run asyncio on uvloop where it is installed (about 13% less CPU per update here)."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def run_polling(settings: Settings) -> int:
    """Run on Telegram with long polling until interrupted."""
    use_fast_event_loop()
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
