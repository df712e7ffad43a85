"""Developer tools: a Telegram Bot API double for tests, benchmarks and playing the bot.

Import from here::

    from bot.devtools import FakeTelegram, FakeUser, SentMessage
"""

from bot.devtools._errors import ApiError
from bot.devtools._objects import FileBlob, SentMessage
from bot.devtools._server import DEFAULT_TOKEN, FakeTelegram
from bot.devtools._users import FakeUser

__all__ = ["DEFAULT_TOKEN", "ApiError", "FakeTelegram", "FakeUser", "FileBlob", "SentMessage"]
