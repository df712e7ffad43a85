"""A minimal echo bot for checking the throughput harness (and the Bot API double) end to end.

A real python-telegram-bot ``Application``, configured from the same environment variables as
``recovery-bot run``; it answers every message with one message and every button press with an
answer plus one message. Usage::

    TELEGRAM_BOT_TOKEN=123:fake TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot \\
        .venv/bin/python bench/echo_bot.py

    .venv/bin/python bench/throughput.py --bot-cmd ".venv/bin/python bench/echo_bot.py"

Environment:
    TELEGRAM_BOT_TOKEN: the bot token (required).
    TELEGRAM_API_BASE_URL: Bot API base URL (default Telegram's).
    TELEGRAM_RATE_LIMITER: ``off`` to send without PTB's AIORateLimiter (default on).
    ECHO_BOT_CONCURRENT_UPDATES: updates handled at once (default 8; 1 = one at a time).
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_CONCURRENT_UPDATES = 8
_OFF = ("0", "off", "false", "no")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the message's text back (or says what kind of message it was)."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(message.text or "(not text)")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a button press and names the button."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.answer()
        await context.bot.send_message(query.message.chat.id, f"pressed {query.data}")


def build_application() -> Application:  # type: ignore[type-arg]
    """Builds the echo Application from the environment."""
    base_url = os.environ.get("TELEGRAM_API_BASE_URL") or DEFAULT_BASE_URL
    file_url = os.environ.get("TELEGRAM_API_BASE_FILE_URL") or base_url.replace("/bot", "/file/bot")
    concurrency = int(os.environ.get("ECHO_BOT_CONCURRENT_UPDATES", DEFAULT_CONCURRENT_UPDATES))
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(base_url)
        .base_file_url(file_url)
        .concurrent_updates(concurrency if concurrency > 1 else False)
    )
    if os.environ.get("TELEGRAM_RATE_LIMITER", "on").lower() not in _OFF:
        builder = builder.rate_limiter(AIORateLimiter())  # type: ignore[arg-type]
    app = builder.build()
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.ALL, echo))
    return app


def main() -> None:
    """Polls until SIGINT or SIGTERM."""
    logging.basicConfig(level=logging.WARNING)
    build_application().run_polling(poll_interval=0, timeout=10)


if __name__ == "__main__":
    main()
