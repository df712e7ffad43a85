"""Bot API objects: what the double stores, and the JSON it builds for Telegram's types.

:class:`SentMessage` is the test-facing record of one message the bot sent (or edited);
the ``*_json`` helpers build the JSON objects of the Bot API (User, Chat, Message parts).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
#: One inline button as ``(label, callback_data)``; ``callback_data`` is None for URL buttons.
Button = tuple[str, str | None]

_unique = itertools.count(1)


def unique_id(prefix: str) -> str:
    """Returns a process-unique identifier such as ``doc-17`` (file ids, callback query ids)."""
    return f"{prefix}-{next(_unique)}"


def now() -> int:
    """Returns the current Unix time, as Telegram stamps ``date`` fields."""
    return int(time.time())


@dataclass
class FileBlob:
    """A file that crossed the boundary: uploaded by the bot or sent by a user.

    Attributes:
        data: The file's bytes.
        filename: Its name as uploaded.
        mime_type: Its MIME type as uploaded.
        file_id: The Bot API ``file_id`` it is known by (set once stored).
        file_path: Path under the file URL, for downloads (set once stored).
    """

    data: bytes
    filename: str
    mime_type: str = "application/octet-stream"
    file_id: str = ""
    file_path: str = ""

    @property
    def file_unique_id(self) -> str:
        """The ``file_unique_id`` Telegram pairs with ``file_id``."""
        return f"u{self.file_id}"

    def file_json(self) -> JSON:
        """Returns the Bot API ``File`` object for ``getFile``."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class SentMessage:
    """One message the bot sent or edited, as a test sees it.

    Attributes:
        method: The Bot API method that produced it (``sendMessage``, ``editMessageText``, ...).
        chat_id: The chat it went to.
        message_id: Its id in that chat.
        text: Text, or the caption of a document or photo ("" when none).
        buttons: Rows of inline buttons as ``(label, callback_data)``.
        keyboard: Rows of reply-keyboard labels (a custom keyboard), if any.
        document: The document sent, if any.
        photo: The photo sent, if any.
        params: All parameters of the call, decoded.
        message: The Bot API ``Message`` object the double answered with.
        at: Monotonic time it arrived at the double (for latency measurements).
    """

    method: str
    chat_id: int
    message_id: int
    text: str = ""
    buttons: list[list[Button]] = field(default_factory=list)
    keyboard: list[list[str]] = field(default_factory=list)
    document: FileBlob | None = None
    photo: FileBlob | None = None
    params: JSON = field(default_factory=dict)
    message: JSON = field(default_factory=dict)
    at: float = 0.0

    @property
    def is_edit(self) -> bool:
        """Whether this record is an edit of an earlier message, not a new one."""
        return self.method.startswith("edit")

    @property
    def labels(self) -> list[str]:
        """The labels of the inline buttons, row by row, flattened."""
        return [label for row in self.buttons for label, _ in row]


def inline_buttons(markup: JSON | None) -> list[list[Button]]:
    """Returns the rows of ``(label, callback_data)`` of an inline keyboard markup."""
    rows = (markup or {}).get("inline_keyboard") or []
    return [[(b.get("text", ""), b.get("callback_data")) for b in row] for row in rows]


def keyboard_labels(markup: JSON | None) -> list[list[str]]:
    """Returns the rows of labels of a reply (custom) keyboard markup."""
    rows = (markup or {}).get("keyboard") or []
    return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]


def user_json(user_id: int, first_name: str, username: str | None, *, is_bot: bool = False) -> JSON:
    """Returns a Bot API ``User``."""
    user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    if not is_bot:
        user["language_code"] = "en"
    return user


def chat_json(chat_id: int, chat_type: str, user: JSON) -> JSON:
    """Returns a Bot API ``Chat``: a private chat with ``user``, or a group named after them."""
    if chat_type == "private":
        chat: JSON = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        return chat
    return {"id": chat_id, "type": chat_type, "title": f"{user['first_name']}'s {chat_type}"}


def command_entities(text: str) -> list[JSON]:
    """Returns the ``bot_command`` entity of a text that starts with ``/command``, if any."""
    if not text.startswith("/") or len(text) < 2:
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


def photo_sizes(blob: FileBlob) -> list[JSON]:
    """Returns the ``PhotoSize`` list Telegram makes of an uploaded photo (one size here)."""
    return [
        {
            "file_id": blob.file_id,
            "file_unique_id": blob.file_unique_id,
            "width": 1280,
            "height": 720,
            "file_size": len(blob.data),
        }
    ]


def document_json(blob: FileBlob) -> JSON:
    """Returns the Bot API ``Document`` for a stored file."""
    return {
        "file_id": blob.file_id,
        "file_unique_id": blob.file_unique_id,
        "file_name": blob.filename,
        "mime_type": blob.mime_type,
        "file_size": len(blob.data),
    }


def update_kind(update: JSON) -> str:
    """Returns an update's type: the one field besides ``update_id`` (``message``, ...)."""
    return next((key for key in update if key != "update_id"), "")
