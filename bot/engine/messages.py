"""What flows in and out of the engine: channel-agnostic messages.

A channel turns its input into an `Inbound` and renders each `Outbound`. Nothing here knows
about Telegram or the console.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime

# C0/C1 control characters other than tab and newline: never meaningful in a chat message,
# and NUL is refused by PostgreSQL text columns. Format characters too (bidi overrides such as
# U+202E, zero-width spaces, the BOM): "Al\u202eecnarf" would show reversed in a coach's view,
# and nothing a person means is lost; the zero-width joiner stays, it builds emoji ("👨‍👩‍👧").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f"
                      r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


class InboundKind(enum.Enum):
    """What the person sent."""

    TEXT = "text"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, file...
    EDITED = "edited"  # an edit of an earlier message


@dataclass(frozen=True)
class Inbound:
    """One thing a person sent, as the engine sees it.

    Attributes:
        user_key: channel-qualified identity, e.g. ``telegram:12345`` or ``console:sam``.
        received_at: aware UTC time the channel received it.
        kind: text, a button press, or something the bot cannot read.
        text: the text typed (commands included), if any.
        button: the opaque data of a pressed button, if any.
        media: for UNSUPPORTED, what it was ("sticker", "photo", ...), for a kind reply.
        update_id: the channel's id for this delivery (Telegram's ``update_id``), if it has
            one: the same id arriving again is a redelivery and is not handled twice.
        forwarded: the text is someone else's words, forwarded by the person (Telegram's
            `forward_origin`): the safety screen asks about that someone.
    """

    user_key: str
    received_at: datetime
    kind: InboundKind = InboundKind.TEXT
    text: str | None = None
    button: str | None = None
    media: str | None = None
    update_id: int | None = None
    forwarded: bool = False


def clean_text(text: str) -> str:
    """Text as the engine keeps it: NFC-normalised, without control or format characters."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def cleaned(inbound: Inbound) -> Inbound:
    """The inbound message with its text cleaned (see `clean_text`)."""
    if inbound.text is None:
        return inbound
    return replace(inbound, text=clean_text(inbound.text))


@dataclass(frozen=True)
class Button:
    """A choice shown with a message. `data` comes back in `Inbound.button` when pressed."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with (or as) a message: a chart, an exported plan."""

    filename: str
    content: bytes
    mime_type: str
    is_image: bool = False


@dataclass(frozen=True)
class Outbound:
    """One message for a person.

    Attributes:
        text: rendered text (plain, no markup).
        template: the resources key that produced it, for transcripts and tests.
        buttons: choices, one per row in order.
        flow, state: where the conversation stands after this message.
        attachment: an optional file.
        to: recipient user_key when it is not the sender (coach relays, alerts).
    """

    text: str
    template: str
    buttons: tuple[Button, ...] = ()
    flow: str | None = None
    state: str | None = None
    attachment: Attachment | None = None
    to: str | None = None


@dataclass
class StepResult:
    """What one engine step produced."""

    messages: list[Outbound] = field(default_factory=list)
