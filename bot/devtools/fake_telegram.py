"""A local HTTP server that speaks the Telegram Bot API: the test double at the network boundary.

The real python-telegram-bot ``Application`` runs unchanged against it; only its ``base_url``
differs. Tests, the throughput benchmark and developers "playing" the bot all use it.

In a test::

    async with FakeTelegram() as fake:
        app = (
            ApplicationBuilder().token(fake.token)
            .base_url(fake.base_url).base_file_url(fake.base_file_url).build()
        )
        ...  # start the application, then:
        alice = fake.user(1, first_name="Alice")
        await alice.send("/start")
        [reply] = await alice.wait_reply()
        await alice.press_label("Yes")
        fake.fail_next("sendMessage", status=429, retry_after=3)

By hand (an interactive prompt; type as user 1, ``/as 2`` switches user, ``/press N`` presses
the Nth button of the last message)::

    python -m bot.devtools.fake_telegram --port 8081
    TELEGRAM_BOT_TOKEN=123:fake TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot recovery-bot run

Served: ``/bot<TOKEN>/<method>`` (GET or POST; query, form, JSON or multipart parameters) and
``/file/bot<TOKEN>/<file_path>``. Methods: getMe, getUpdates, setWebhook, deleteWebhook,
getWebhookInfo, set/get/deleteMyCommands, getChat, getFile, close, logOut
(:mod:`bot.devtools._methods`); sendMessage, sendDocument, sendPhoto, editMessageText,
editMessageReplyMarkup, deleteMessage, answerCallbackQuery, sendChatAction
(:mod:`bot.devtools._messages`). Any other method answers 404 Not Found, as Telegram does.
"""

from bot.devtools._cli import main
from bot.devtools._objects import FileBlob, SentMessage
from bot.devtools._server import DEFAULT_TOKEN, FakeTelegram
from bot.devtools._users import FakeUser

__all__ = ["DEFAULT_TOKEN", "FakeTelegram", "FakeUser", "FileBlob", "SentMessage", "main"]

if __name__ == "__main__":
    main()
