"""Between Telegram's objects and the core's messages: who an update is from and what it
says (`to_inbound`), and how replies are laid out for Telegram (buttons, texts split to fit,
consecutive texts joined). No I/O here; `telegram.py` sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit

from bot.engine.messages import Button, Inbound, InboundKind, Outbound

TELEGRAM_PREFIX = "telegram:"
MEDIA_KINDS = (
    "sticker", "photo", "voice", "video", "video_note", "audio", "animation", "document",
    "location", "venue", "contact", "poll", "dice", "game", "story",
)
NUMERIC_ROW = 6  # scale buttons (0-10) laid out in rows of this many


def telegram_key(user_id: int) -> str:
    """The user_key of a Telegram person (their private chat id equals their user id)."""
    return f"{TELEGRAM_PREFIX}{user_id}"


def chat_id_of(user_key: str) -> int | None:
    """The private chat id behind a Telegram user_key, or None for another channel."""
    if not user_key.startswith(TELEGRAM_PREFIX):
        return None
    return int(user_key[len(TELEGRAM_PREFIX) :])


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """Inline keyboard: one button a row, numbers side by side."""
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        item = InlineKeyboardButton(button.label, callback_data=button.data)
        if button.label.isdigit() and rows and len(rows[-1]) < NUMERIC_ROW and all(
            b.text.isdigit() for b in rows[-1]
        ):
            rows[-1].append(item)
        else:
            rows.append([item])
    return InlineKeyboardMarkup(rows)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split a long text so each part fits one message: at a paragraph break, else a line
    break, else a space, in the second half of the part (a long relayed message is never cut
    mid-word); only a single "word" longer than half the limit is cut where it must be, and
    never inside an HTML entity such as `&amp;`."""
    parts: list[str] = []
    while len(text) > limit:
        cut = _cut_at(text, limit)
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return parts


def _cut_at(text: str, limit: int) -> int:
    for separator in ("\n\n", "\n", " "):
        cut = text.rfind(separator, limit // 2, limit)
        if cut > 0:
            return cut
    entity = text.rfind("&", limit - 10, limit)
    return entity if entity > 0 and ";" not in text[entity:limit] else limit


def merge_texts(replies: Sequence[Outbound]) -> list[Outbound]:
    """Join consecutive plain replies to the same person into one message.

    "Thanks for telling me..." followed by the next question arrives as one message: one
    notification for the person, one Bot API call instead of two. Buttons and files stay on
    their own message; the join never exceeds Telegram's length limit.
    """
    merged: list[Outbound] = []
    for reply in replies:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.to == reply.to
            and not previous.buttons
            and previous.attachment is None
            and reply.attachment is None
            and len(previous.text) + len(reply.text) + 2 <= MessageLimit.MAX_TEXT_LENGTH
        ):
            merged[-1] = replace(
                reply, text=f"{previous.text}\n\n{reply.text}",
                template=f"{previous.template}+{reply.template}",
            )
        else:
            merged.append(reply)
    return merged


def to_inbound(update: Update, now: Any) -> Inbound | None:
    """The Inbound for an update from a private chat; None for anything else."""
    user = update.effective_user
    if user is None:
        return None
    key, update_id = telegram_key(user.id), update.update_id
    if update.callback_query is not None:
        return Inbound(key, now, InboundKind.BUTTON, button=update.callback_query.data or "",
                       update_id=update_id)
    if update.edited_message is not None:
        return Inbound(key, now, InboundKind.EDITED, update_id=update_id)
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        return Inbound(key, now, InboundKind.TEXT, text=message.text, update_id=update_id,
                       forwarded=message.forward_origin is not None)
    for kind in MEDIA_KINDS:
        if getattr(message, kind, None):
            return Inbound(key, now, InboundKind.UNSUPPORTED, media=kind, update_id=update_id)
    if message.caption is not None:
        return Inbound(key, now, InboundKind.UNSUPPORTED, media="file", update_id=update_id)
    return None  # service messages (joins, pins...) need no reply
