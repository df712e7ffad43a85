"""Bot API methods that send, edit and act on messages in a chat.

Validation follows Telegram's, with its error texts: empty or over-long text, malformed inline
keyboards, callback data over 64 bytes, "message is not modified", unknown chats (400) and
chats whose user blocked the bot (403).
"""

from __future__ import annotations

from typing import Any

from bot.devtools._api import Api, method, target_chat
from bot.devtools._errors import bad_request
from bot.devtools._objects import (
    JSON,
    FileBlob,
    SentMessage,
    document_json,
    inline_buttons,
    keyboard_labels,
    now,
    photo_sizes,
)
from bot.devtools._params import Params

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_KINDS = frozenset(
    {
        "callback_data",
        "url",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _check_markup(markup: Any) -> JSON | None:
    """Validates a ``reply_markup`` as Telegram does and returns it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            if len(_BUTTON_KINDS & set(button)) != 1:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed "
                    "in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _inline_markup(markup: JSON | None) -> JSON | None:
    """The part of a markup Telegram keeps on the message: only an inline keyboard."""
    if markup and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def _send(
    api: Api,
    p: Params,
    method_name: str,
    content: JSON,
    *,
    text: str = "",
    document: FileBlob | None = None,
    photo: FileBlob | None = None,
) -> JSON:
    """Creates a message from the bot in the target chat, records it and returns its JSON."""
    chat = target_chat(api, p)
    markup = _check_markup(p.get("reply_markup"))
    message: JSON = {
        "message_id": api.world.next_message_id(chat["id"]),
        "from": api.world.bot,
        "chat": chat,
        "date": now(),
        **content,
    }
    if (inline := _inline_markup(markup)) is not None:
        message["reply_markup"] = inline
    reply_to = p.integer("reply_to_message_id") or (p.get("reply_parameters") or {}).get(
        "message_id"
    )
    if reply_to and (chat["id"], reply_to) in api.world.messages:
        message["reply_to_message"] = api.world.messages[(chat["id"], reply_to)]
    api.world.messages[(chat["id"], message["message_id"])] = message
    api.world.record_sent(
        SentMessage(
            method=method_name,
            chat_id=chat["id"],
            message_id=message["message_id"],
            text=text,
            buttons=inline_buttons(markup),
            keyboard=keyboard_labels(markup),
            document=document,
            photo=photo,
            params=p.values,
            message=dict(message),
        )
    )
    return message


def _caption(p: Params) -> str:
    caption = str(p.get("caption") or "")
    if _utf16_length(caption) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return caption


def _input_file(api: Api, p: Params, field: str) -> FileBlob:
    """Resolves a file parameter: an upload, ``attach://name``, a known file_id or a URL."""
    value: Any = p.files.get(field) or p.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        value = p.files.get(value.removeprefix("attach://"))
    if isinstance(value, FileBlob):
        return api.world.store_file(value, f"{field}s")
    if not value:
        raise bad_request(f"there is no {field} in the request")
    if value in api.world.files:
        return api.world.files[value]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        name = value.rstrip("/").rsplit("/", 1)[-1] or field
        return api.world.store_file(FileBlob(data=b"", filename=name), f"{field}s")
    raise bad_request("wrong file identifier/HTTP URL specified")


@method("sendMessage")
async def send_message(api: Api, p: Params) -> JSON:
    """Sends a text message (``parse_mode`` is recorded, not applied)."""
    text = str(p.get("text") or "")
    if not text.strip():
        raise bad_request("message text is empty")
    if _utf16_length(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return _send(api, p, "sendMessage", {"text": text}, text=text)


@method("sendDocument")
async def send_document(api: Api, p: Params) -> JSON:
    """Sends a document (an upload keeps its bytes, filename and MIME type)."""
    target_chat(api, p)
    caption = _caption(p)
    blob = _input_file(api, p, "document")
    content: JSON = {"document": document_json(blob)}
    if caption:
        content["caption"] = caption
    return _send(api, p, "sendDocument", content, text=caption, document=blob)


@method("sendPhoto")
async def send_photo(api: Api, p: Params) -> JSON:
    """Sends a photo (an upload keeps its bytes, filename and MIME type)."""
    target_chat(api, p)
    caption = _caption(p)
    blob = _input_file(api, p, "photo")
    content: JSON = {"photo": photo_sizes(blob)}
    if caption:
        content["caption"] = caption
    return _send(api, p, "sendPhoto", content, text=caption, photo=blob)


def _editable(api: Api, p: Params) -> JSON:
    """Returns the bot message an edit call names."""
    if p.get("inline_message_id"):
        raise bad_request("inline messages are not simulated by this double")
    chat = target_chat(api, p)
    message = api.world.message(chat["id"], p.integer("message_id") or 0)
    if message["from"]["id"] != api.world.bot["id"]:
        raise bad_request("message can't be edited")
    return message


def _record_edit(api: Api, p: Params, method_name: str, message: JSON) -> JSON:
    markup = message.get("reply_markup")
    api.world.record_sent(
        SentMessage(
            method=method_name,
            chat_id=message["chat"]["id"],
            message_id=message["message_id"],
            text=str(message.get("text") or message.get("caption") or ""),
            buttons=inline_buttons(markup),
            params=p.values,
            message=dict(message),
        )
    )
    return message


def _replace_markup(message: JSON, markup: JSON | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


@method("editMessageText")
async def edit_message_text(api: Api, p: Params) -> JSON:
    """Edits a bot message's text; without ``reply_markup`` its inline keyboard goes."""
    message = _editable(api, p)
    text = str(p.get("text") or "")
    if not text.strip():
        raise bad_request("message text is empty")
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    markup = _inline_markup(_check_markup(p.get("reply_markup")))
    if message["text"] == text and message.get("reply_markup") == markup:
        raise bad_request(_NOT_MODIFIED)
    message["text"] = text
    message["edit_date"] = now()
    _replace_markup(message, markup)
    return _record_edit(api, p, "editMessageText", message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(api: Api, p: Params) -> JSON:
    """Replaces (or, without ``reply_markup``, removes) a bot message's inline keyboard."""
    message = _editable(api, p)
    markup = _inline_markup(_check_markup(p.get("reply_markup")))
    if message.get("reply_markup") == markup:
        raise bad_request(_NOT_MODIFIED)
    message["edit_date"] = now()
    _replace_markup(message, markup)
    return _record_edit(api, p, "editMessageReplyMarkup", message)


@method("deleteMessage")
async def delete_message(api: Api, p: Params) -> bool:
    """Deletes a message."""
    chat = target_chat(api, p)
    if api.world.messages.pop((chat["id"], p.integer("message_id") or 0), None) is None:
        raise bad_request("message to delete not found")
    return True


@method("answerCallbackQuery")
async def answer_callback_query(api: Api, p: Params) -> bool:
    """Answers a button press once; a second answer or an unknown id is a 400."""
    query_id = str(p.require("callback_query_id"))
    if query_id not in api.world.callback_queries or query_id in api.world.callback_answers:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    api.world.callback_answers[query_id] = dict(p.values)
    return True


@method("sendChatAction")
async def send_chat_action(api: Api, p: Params) -> bool:
    """Accepts a chat action such as ``typing``."""
    target_chat(api, p)
    if p.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
