"""Signed button data for coach buttons (claim) and the person's closing rating.

The engine's own buttons carry `seq:value`; ours carry `h:<verb>:<handoff id>[:<value>]:<sig>`
where `sig` is a truncated HMAC-SHA256 of everything before it. Anyone can send any callback
data to a bot, so data that doesn't verify is refused (and who may press it is checked too).

The secret is HANDOFF_SECRET, or else derived from the newest encryption key (the local key
file on SQLite), so there is nothing extra to configure. Changing it only invalidates old
buttons: a coach gets fresh ones with /queue.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from bot.config import Settings
from bot.storage import crypto

PREFIX = "h:"
_SIG_CHARS = 22  # 132 bits of the HMAC, base64url; keeps data under Telegram's 64 bytes
_DERIVE_LABEL = b"recovery-bot handoff buttons v1"


@dataclass(frozen=True)
class ButtonData:
    """A verified coach/handoff button: what to do, to which handoff, with what value."""

    verb: str
    handoff_id: int
    value: str = ""


def button_secret(settings: Settings) -> bytes:
    """The HMAC key: HANDOFF_SECRET, else derived from the newest encryption key."""
    if settings.handoff_secret:
        return settings.handoff_secret.encode("utf-8")
    if settings.encryption_keys:
        key = crypto.parse_keys(settings.encryption_keys)[0]
    else:
        key = crypto.key_file_keys(settings.data_dir)[0]
    return hmac.new(key, _DERIVE_LABEL, hashlib.sha256).digest()


def _signature(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:_SIG_CHARS]


def sign(settings: Settings, verb: str, handoff_id: int, value: str = "") -> str:
    """Button data for `verb` on a handoff (value optional, no colons)."""
    payload = f"{PREFIX}{verb}:{handoff_id}" + (f":{value}" if value else "")
    return f"{payload}:{_signature(button_secret(settings), payload)}"


def is_handoff_button(data: str | None) -> bool:
    """Whether button data claims to be one of ours (verified or not)."""
    return bool(data) and str(data).startswith(PREFIX)


def verify(settings: Settings, data: str) -> ButtonData | None:
    """The button's meaning when its signature is right; None for forged or mangled data."""
    payload, _, signature = data.rpartition(":")
    if not payload.startswith(PREFIX) or len(signature) != _SIG_CHARS:
        return None
    expected = _signature(button_secret(settings), payload)
    if not hmac.compare_digest(expected, signature):
        return None
    parts = payload[len(PREFIX) :].split(":")
    if len(parts) not in (2, 3) or not parts[1].isdigit():
        return None
    return ButtonData(parts[0], int(parts[1]), parts[2] if len(parts) == 3 else "")
