"""The simulated Telegram side: the bot, the chats, their messages, files and the sent log.

Plain state with no HTTP in it: the Bot API methods (:mod:`bot.devtools._methods`) and the
simulated users (:mod:`bot.devtools._users`) both act on one :class:`World`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import time
from collections.abc import Callable
from typing import Any

from bot.devtools._errors import bad_request
from bot.devtools._objects import JSON, FileBlob, SentMessage, unique_id, user_json

SentListener = Callable[[SentMessage], None]


class World:
    """Everything the double remembers between calls.

    Args:
        bot_id: The bot's user id (Telegram takes it from the token's prefix).
        bot_username: The bot's username.
    """

    def __init__(self, bot_id: int, bot_username: str) -> None:
        self.bot: JSON = user_json(bot_id, "Fake Bot", bot_username, is_bot=True)
        self.bot.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        self.chats: dict[int, JSON] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self.files: dict[str, FileBlob] = {}
        self.files_by_path: dict[str, FileBlob] = {}
        self.sent: list[SentMessage] = []
        self.outbox: dict[int, list[SentMessage]] = {}
        self.latest: dict[tuple[int, int], SentMessage] = {}
        self.blocked: set[int] = set()
        self.callback_queries: dict[str, JSON] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.settings: dict[str, JSON] = {}
        self.listeners: list[SentListener] = []
        self._last_message_id: dict[int, int] = {}
        self._chat_events: dict[int, asyncio.Event] = {}

    def chat(self, chat_id: int) -> JSON:
        """Returns a known chat's JSON; an unknown one is Telegram's 400 "chat not found"."""
        try:
            return self.chats[chat_id]
        except KeyError:
            raise bad_request("chat not found") from None

    def next_message_id(self, chat_id: int) -> int:
        """Returns the next message id in a chat (ids are per chat, shared by both sides)."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def message(self, chat_id: int, message_id: int) -> JSON:
        """Returns a stored message; a missing one is 400 "message to edit not found"."""
        try:
            return self.messages[(chat_id, message_id)]
        except KeyError:
            raise bad_request("message to edit not found") from None

    def store_file(self, blob: FileBlob, folder: str) -> FileBlob:
        """Gives a file a ``file_id`` and download path, keeps it, and returns it."""
        blob.file_id = unique_id(folder)
        suffix = mimetypes.guess_extension(blob.mime_type) or ""
        if "." in blob.filename:
            suffix = "." + blob.filename.rsplit(".", 1)[1]
        blob.file_path = f"{folder}/{blob.file_id}{suffix}"
        self.files[blob.file_id] = blob
        self.files_by_path[blob.file_path] = blob
        return blob

    def record_sent(self, sent: SentMessage) -> None:
        """Logs a message the bot sent or edited and wakes whoever waits on its chat."""
        sent.at = time.monotonic()
        self.sent.append(sent)
        self.latest[(sent.chat_id, sent.message_id)] = sent
        if not sent.is_edit:
            self.outbox.setdefault(sent.chat_id, []).append(sent)
        event = self._chat_events.pop(sent.chat_id, None)
        if event is not None:
            event.set()
        for listener in self.listeners:
            listener(sent)

    def chat_changed(self, chat_id: int) -> asyncio.Event:
        """Returns an event set the next time the bot sends or edits a message in a chat."""
        return self._chat_events.setdefault(chat_id, asyncio.Event())

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Returns the new messages (not edits) the bot sent to a chat, oldest first."""
        return self.outbox.get(chat_id, [])

    def find_sent(self, chat_id: int, match: Callable[[SentMessage], Any]) -> SentMessage | None:
        """Returns the latest message to a chat, in its current (edited) form, that matches."""
        for sent in reversed(self.sent_to(chat_id)):
            key = (sent.chat_id, sent.message_id)
            if key in self.messages and match(self.latest[key]):
                return self.latest[key]
        return None
