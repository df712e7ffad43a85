"""Encryption at rest for what people type (answers, plan text, notes, relayed messages).

Keys are Fernet keys (cryptography's MultiFernet): `ENCRYPTION_KEYS` holds one or more,
comma-separated, newest first; data written under an older key still reads, and
`recovery-bot keys rotate` re-encrypts it under the newest. Without `ENCRYPTION_KEYS`, the
local default creates `DATA_DIR/encryption.key` (owner-only) on first use; on PostgreSQL
the key must come from the environment, since a server's disk may not outlive a restart.

Pseudonyms: what must be found by its value (who a person is on Telegram, a crisis event's
category, a nudge's kind) is stored as a deterministic encryption (AES-SIV) under a key of its
own. The same value always gives the same token, so look-ups, indexes and unique constraints
work, but the token says nothing without the key. That key is kept in the database, encrypted
under the Fernet keys (`storage.pseudonyms`), so rotating those keys never changes a pseudonym.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from bot.errors import ConfigurationError

KEY_FILE = "encryption.key"

PSEUDONYM_KEY_BITS = 512  # AES-256-SIV

_cipher: MultiFernet | None = None
_pseudonyms: AESSIV | None = None


class UnreadableData(ConfigurationError):
    """A stored value the configured keys can't read."""


def parse_keys(value: str) -> list[bytes]:
    """Comma-separated Fernet keys -> list, validated."""
    keys = [part.strip().encode() for part in value.split(",") if part.strip()]
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(
                "ENCRYPTION_KEYS holds something that is not a Fernet key; make one with "
                "`recovery-bot keys new`"
            ) from exc
    return keys


def key_file_keys(data_dir: Path, database: Path | None = None) -> list[bytes]:
    """The local key file's key, created with owner-only permissions on first use: never
    beside an existing `database` file, whose data a new key could not read."""
    path = data_dir / KEY_FILE
    if not path.exists():
        if database is not None and database.is_file() and database.stat().st_size > 0:
            raise ConfigurationError(
                f"the key file {path} is missing, but the database {database} exists: a new "
                "key could not read what is stored in it. Restore the key file (or set "
                "ENCRYPTION_KEYS to the key in use). To start over with no data, move the "
                "database away first."
            )
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
    return parse_keys(path.read_text())


def configure(keys: list[bytes]) -> None:
    """Use these keys (newest first) for every encrypted column from now on."""
    global _cipher
    if not keys:
        raise ConfigurationError("no encryption key configured")
    _cipher = MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    """The configured cipher; a clear error when start-up forgot to configure one."""
    if _cipher is None:
        raise ConfigurationError("encryption keys are not configured (crypto.configure)")
    return _cipher


def encrypt(text: str) -> str:
    """Encrypt text to a URL-safe token."""
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token written by `encrypt` under any configured key."""
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise UnreadableData(
            "stored data can't be decrypted with the configured keys; was a key removed "
            "from ENCRYPTION_KEYS?"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key."""
    return cipher().rotate(token.encode("ascii")).decode("ascii")


def new_pseudonym_key() -> str:
    """A new pseudonym key, as text to store (encrypted) in the database."""
    return base64.urlsafe_b64encode(AESSIV.generate_key(PSEUDONYM_KEY_BITS)).decode("ascii")


def configure_pseudonyms(key: str) -> None:
    """Use this pseudonym key (from `new_pseudonym_key`) from now on."""
    global _pseudonyms
    _pseudonyms = AESSIV(base64.urlsafe_b64decode(key.encode("ascii")))


def _pseudonym_cipher() -> AESSIV:
    if _pseudonyms is None:
        raise ConfigurationError(
            "the pseudonym key is not loaded (storage.pseudonyms.load_pseudonym_key)")
    return _pseudonyms


def pseudonymise(text: str) -> str:
    """The token that stands for `text`: always the same for the same text and key."""
    sealed = _pseudonym_cipher().encrypt(text.encode("utf-8"), None)
    return base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


def reveal(token: str) -> str:
    """The text a pseudonym stands for."""
    try:
        padded = token + "=" * (-len(token) % 4)
        return _pseudonym_cipher().decrypt(base64.urlsafe_b64decode(padded), None).decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise UnreadableData("a stored pseudonym can't be read with the pseudonym key") from exc
