"""The pseudonym key: made once per database, kept in it encrypted under the Fernet keys.

Every process loads it at start (`load_pseudonym_key`) before it reads or writes a person's
address, a crisis event's category or a nudge's kind (`storage.types.Pseudonymous`). A
database that has none yet gets one; two processes racing to make it both end up with the
one that was stored first.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.storage import crypto
from bot.storage.db import Database
from bot.storage.models import PseudonymKey

KEY_ROW = 1


async def load_pseudonym_key(db: Database) -> None:
    """Configure the database's pseudonym key, making it on first use."""
    key = await _stored_key(db)
    if key is None:
        try:
            async with db.session() as session:
                session.add(PseudonymKey(id=KEY_ROW, key=crypto.new_pseudonym_key()))
                await session.commit()
        except IntegrityError:  # another process made it first: use theirs
            pass
        key = await _stored_key(db)
    assert key is not None
    crypto.configure_pseudonyms(key)


async def _stored_key(db: Database) -> str | None:
    async with db.session() as session:
        return (await session.execute(
            select(PseudonymKey.key).where(PseudonymKey.id == KEY_ROW))).scalar()
