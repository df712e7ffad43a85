"""Decoding Bot API request parameters from any body Telegram accepts.

Telegram takes parameters as a query string, ``application/x-www-form-urlencoded``,
``application/json`` or ``multipart/form-data``. In the form encodings every value is a string:
python-telegram-bot sends strings as they are and everything else JSON-encoded (``chat_id=42``,
``reply_markup={"inline_keyboard": ...}``). :func:`read_params` turns all of them into one typed
:class:`Params`, decoding form values by the field's known type, the way Telegram does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from bot.devtools._errors import bad_request
from bot.devtools._objects import FileBlob

# Fields whose form-encoded value is JSON. Anything not listed stays a string.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "menu_button",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "max_connections",
        "cache_time",
        "reply_to_message_id",
        "message_thread_id",
        "from_chat_id",
        "duration",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "allow_sending_without_reply",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)


@dataclass
class Params:
    """The typed parameters of one Bot API call.

    Attributes:
        values: Parameter name to decoded value (int, bool, str, dict or list).
        files: Multipart parts that carried a file, by part name.
    """

    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, FileBlob] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """Returns a parameter's value, or ``default`` when absent."""
        return self.values.get(name, default)

    def require(self, name: str) -> Any:
        """Returns a parameter's value; a missing one is Telegram's 400 "<name> is empty"."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        """Returns a parameter as an integer (400 when it is not one)."""
        value = self.values.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def chat_id(self) -> int:
        """Returns the required ``chat_id``; ``@username`` chats are not simulated."""
        value = self.require("chat_id")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None


def _decode_form_value(name: str, value: str) -> Any:
    """Decodes one form field by its known type, as Telegram would."""
    try:
        if name in _JSON_FIELDS:
            return json.loads(value)
        if name in _INT_FIELDS:
            return int(value)
    except ValueError:
        return value
    if name in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    return value


def _decode_form(form: MultiMapping[Any]) -> Params:
    """Decodes a form or multipart body (file parts become :class:`FileBlob`)."""
    params = Params()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params.files[name] = FileBlob(
                data=value.file.read(),
                filename=value.filename or name,
                mime_type=value.content_type or "application/octet-stream",
            )
        else:
            params.values[name] = _decode_form_value(name, str(value))
    return params


async def read_params(request: web.Request) -> Params:
    """Reads the parameters of a Bot API request, whatever its encoding."""
    params = _decode_form(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        params.values.update(body)
        return params
    form = _decode_form(await request.post())
    params.values.update(form.values)
    params.files.update(form.files)
    return params
