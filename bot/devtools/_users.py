"""A simulated Telegram user: sends updates to the bot and waits for its replies.

Tests and the benchmark drive the bot through :class:`FakeUser`::

    alice = fake.user(1, first_name="Alice")
    await alice.send("/start")
    [reply] = await alice.wait_reply()
    await alice.press_label("Yes")
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from bot.devtools._objects import (
    JSON,
    FileBlob,
    SentMessage,
    command_entities,
    document_json,
    now,
    photo_sizes,
    unique_id,
)
from bot.devtools._updates import UpdateQueue
from bot.devtools._world import World

# Smallest stand-ins for media a user sends; only their presence matters to a bot.
_WEBP = (b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
         b"\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
_OGG = b"OggS\x00\x02" + bytes(22)


class FakeUser:
    """One person chatting with the bot (in a private chat, or in a group).

    Create one with :meth:`FakeTelegram.user`, not directly.

    Attributes:
        id: The user's id.
        chat_id: The chat their messages go to (equal to ``id`` in a private chat).
        user: Their Bot API ``User``.
        chat: The Bot API ``Chat`` they write in.
    """

    def __init__(self, world: World, updates: UpdateQueue, user: JSON, chat: JSON) -> None:
        self._world = world
        self._updates = updates
        self.user = user
        self.chat = chat
        self.id: int = user["id"]
        self.chat_id: int = chat["id"]
        self._seen = 0
        self._last_message: JSON | None = None

    # -- sending -----------------------------------------------------------------------------

    def _new_message(self, **content: Any) -> JSON:
        message: JSON = {
            "message_id": self._world.next_message_id(self.chat_id),
            "from": self.user,
            "chat": self.chat,
            "date": now(),
            **content,
        }
        self._world.messages[(self.chat_id, message["message_id"])] = message
        self._last_message = message
        return message

    async def send_raw(self, update: JSON) -> JSON:
        """Queues any update as given (its ``update_id`` is assigned); returns it numbered."""
        return self._updates.push({k: v for k, v in update.items() if k != "update_id"})

    async def send(self, text: str) -> JSON:
        """Sends a text message (a leading ``/command`` gets its ``bot_command`` entity)."""
        content: JSON = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return await self.send_raw({"message": self._new_message(**content)})

    async def forward(self, text: str, *, from_name: str = "Jo") -> JSON:
        """Forwards someone else's text message into the chat (a `forward_origin` of a
        hidden user, as Telegram sends when the author hides their account)."""
        origin = {"type": "hidden_user", "date": 1_700_000_000, "sender_user_name": from_name}
        return await self.send_raw({"message": self._new_message(text=text,
                                                                  forward_origin=origin)})

    async def send_sticker(self, emoji: str = "🙂") -> JSON:
        """Sends a sticker."""
        blob = self._world.store_file(FileBlob(_WEBP, "sticker.webp", "image/webp"), "stickers")
        sticker = {
            "file_id": blob.file_id,
            "file_unique_id": blob.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(blob.data),
        }
        return await self.send_raw({"message": self._new_message(sticker=sticker)})

    async def send_photo(
        self, data: bytes = _JPEG, caption: str | None = None, filename: str = "photo.jpg"
    ) -> JSON:
        """Sends a photo, downloadable by the bot through ``getFile``."""
        blob = self._world.store_file(FileBlob(data, filename, "image/jpeg"), "photos")
        content: JSON = {"photo": photo_sizes(blob)}
        if caption:
            content["caption"] = caption
        return await self.send_raw({"message": self._new_message(**content)})

    async def send_voice(self, duration: int = 2, data: bytes = _OGG) -> JSON:
        """Sends a voice note."""
        blob = self._world.store_file(FileBlob(data, "voice.ogg", "audio/ogg"), "voice")
        voice = {
            "file_id": blob.file_id,
            "file_unique_id": blob.file_unique_id,
            "duration": duration,
            "mime_type": blob.mime_type,
            "file_size": len(blob.data),
        }
        return await self.send_raw({"message": self._new_message(voice=voice)})

    async def send_document(
        self,
        data: bytes = b"hello\n",
        filename: str = "notes.txt",
        mime_type: str = "text/plain",
        caption: str | None = None,
    ) -> JSON:
        """Sends a document, downloadable by the bot through ``getFile``."""
        blob = self._world.store_file(FileBlob(data, filename, mime_type), "documents")
        content: JSON = {"document": document_json(blob)}
        if caption:
            content["caption"] = caption
        return await self.send_raw({"message": self._new_message(**content)})

    async def edit_last(self, text: str) -> JSON:
        """Edits this user's last text message, as an ``edited_message`` update."""
        message = self._last_message
        if message is None or "text" not in message:
            raise LookupError(f"user {self.id} has sent no text message to edit")
        message.update(text=text, edit_date=now())
        message.pop("entities", None)
        if entities := command_entities(text):
            message["entities"] = entities
        return await self.send_raw({"edited_message": dict(message)})

    async def press(self, callback_data: str, message_id: int | None = None) -> JSON:
        """Presses an inline button, as a ``callback_query`` update.

        Args:
            callback_data: The button's ``callback_data``.
            message_id: The message carrying it; by default the latest one that does.

        Raises:
            LookupError: No message in this chat carries a button with that data.
        """

        def has_data(sent: SentMessage) -> bool:
            return any(data == callback_data for row in sent.buttons for _, data in row)

        if message_id is None:
            found = self._world.find_sent(self.chat_id, has_data)
        else:
            found = self._world.latest.get((self.chat_id, message_id))
        if found is None or not has_data(found):
            raise LookupError(
                f"no message to chat {self.chat_id} has a button with callback_data "
                f"{callback_data!r} (buttons on the last keyboard: {self.last_buttons()})"
            )
        query: JSON = {
            "id": unique_id("cbq"),
            "from": self.user,
            "message": self._world.messages[(self.chat_id, found.message_id)],
            "chat_instance": str(self.chat_id),
            "data": callback_data,
        }
        self._world.callback_queries[query["id"]] = query
        return await self.send_raw({"callback_query": query})

    async def press_label(self, label: str) -> JSON:
        """Presses the button with this label on the latest message that has it.

        Inline buttons become a ``callback_query``; a reply-keyboard button sends its label
        as text, as Telegram does.

        Raises:
            LookupError: No message in this chat has a button with that label.
        """
        inline = self._world.find_sent(self.chat_id, lambda s: label in s.labels)
        if inline is not None:
            data = next(d for row in inline.buttons for text, d in row if text == label)
            if data is None:
                raise LookupError(f"button {label!r} opens a URL; it has no callback_data")
            return await self.press(data, inline.message_id)
        keyboard = self._world.find_sent(
            self.chat_id, lambda s: any(label in row for row in s.keyboard)
        )
        if keyboard is not None:
            return await self.send(label)
        raise LookupError(
            f"no button {label!r} in chat {self.chat_id}; "
            f"buttons on the last keyboard: {self.last_buttons()}"
        )

    # -- observing ---------------------------------------------------------------------------

    @property
    def messages(self) -> list[SentMessage]:
        """Every new message (not edits) the bot sent to this chat, oldest first."""
        return list(self._world.sent_to(self.chat_id))

    def last_buttons(self) -> list[str]:
        """Returns the labels on the last message (as currently edited) with inline buttons."""
        found = self._world.find_sent(self.chat_id, lambda s: s.buttons)
        return found.labels if found is not None else []

    def mark_seen(self) -> None:
        """Treats everything the bot sent so far as seen by :meth:`wait_reply`."""
        self._seen = len(self._world.sent_to(self.chat_id))

    async def wait_reply(self, timeout: float = 5.0, count: int = 1) -> list[SentMessage]:
        """Waits until the bot has sent ``count`` new messages to this chat since the last wait.

        Returns every new message (at least ``count``) and marks them seen. Edits of earlier
        messages are not counted; read them from :attr:`FakeTelegram.sent`.

        Raises:
            TimeoutError: Fewer than ``count`` arrived in time (the error lists those that did).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            new = self._world.sent_to(self.chat_id)[self._seen :]
            if len(new) >= count:
                self._seen += len(new)
                return list(new)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"user {self.id}: expected {count} new message(s) from the bot within "
                    f"{timeout}s, got {len(new)}: {[m.text for m in new]!r}"
                )
            changed = self._world.chat_changed(self.chat_id)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
