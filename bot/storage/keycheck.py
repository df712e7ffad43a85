"""The key check at start: the configured encryption keys must read what is stored.

A lost key file or a key dropped from ENCRYPTION_KEYS used to surface as every existing
person's messages failing (including /delete) while new people chatted normally. Now the
first start encrypts a known value (the canary, table `key_canary`); every start decrypts it
and refuses to start, with a clear message, when it can't. A database from before the canary
is checked on one stored name (or its pseudonym key) instead, then given its canary.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ConfigurationError
from bot.storage import crypto
from bot.storage.db import Database
from bot.storage.models import KeyCanary

CANARY = "recovery-bot key canary"
CANT_READ = (
    "the configured encryption keys can't read the data already stored. Was the key file "
    "(DATA_DIR/encryption.key) lost or replaced, or a key dropped from ENCRYPTION_KEYS? "
    "Restore the key that was in use (older keys can stay in ENCRYPTION_KEYS after the "
    "newest). Nothing was changed."
)


async def check_keys(db: Database) -> None:
    """Raise ConfigurationError when the keys can't read what is stored; write the canary
    on a database that has none yet."""
    async with db.session() as session:
        canary = await _stored_canary(session)
        if canary is None:
            stored = (await session.execute(text(
                "SELECT preferred_name FROM people WHERE preferred_name IS NOT NULL LIMIT 1"
            ))).scalar() or (await session.execute(text(
                "SELECT key FROM pseudonym_key WHERE id = 1"))).scalar()
    if canary is not None:
        _must_read(canary)
        return
    if stored is not None:
        _must_read(str(stored))
    try:
        async with db.session() as session:
            session.add(KeyCanary(id=1, token=CANARY))  # encrypted by its column type
            await session.commit()
    except IntegrityError:  # another process wrote it first: check theirs
        async with db.session() as session:
            raced = await _stored_canary(session)
        if raced is not None:
            _must_read(raced)


async def _stored_canary(session: AsyncSession) -> str | None:
    token = (await session.execute(text("SELECT token FROM key_canary WHERE id = 1"))).scalar()
    return None if token is None else str(token)


def _must_read(token: str) -> None:
    try:
        crypto.decrypt(token)
    except ConfigurationError as exc:
        raise ConfigurationError(CANT_READ) from exc
