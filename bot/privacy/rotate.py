"""`recovery-bot keys rotate`: re-encrypt every encrypted column under the newest key.

The columns are found by walking the schema for `EncryptedText` / `EncryptedJSON`, so a new
table is never missed. Each row is rewritten with a compare-and-swap on its old token: a
row the running bot changed meanwhile (already under the newest key) is left alone, and
nothing is lost. Safe to run while the bot runs, and to run twice.

    ENCRYPTION_KEYS=NEW,OLD recovery-bot keys rotate    # then drop OLD from ENCRYPTION_KEYS
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Column, Table, Text, and_, literal, select, type_coerce, update

from bot.schema import Base
from bot.storage import crypto
from bot.storage.db import Database
from bot.storage.types import EncryptedJSON, EncryptedText

BATCH = 500


@dataclass
class RotationStats:
    """Counts per table: values re-encrypted."""

    values: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.values.values())


def encrypted_columns() -> dict[Table, list[Column]]:  # type: ignore[type-arg]
    """Every table with encrypted columns, and those columns."""
    found: dict[Table, list[Column]] = {}  # type: ignore[type-arg]
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText | EncryptedJSON)]
        if columns:
            found[table] = columns
    return found


async def _rotate_table(db: Database, table: Table, columns: list[Column]) -> int:  # type: ignore[type-arg]
    keys = list(table.primary_key.columns)
    raw = [type_coerce(c, Text).label(c.name) for c in columns]
    changed = 0
    last: tuple[object, ...] | None = None
    paged = len(keys) == 1  # every table here has one key column; others go in one batch
    while True:
        query = select(*keys, *raw).order_by(*keys)
        if paged:
            query = query.limit(BATCH)
            if last is not None:
                query = query.where(keys[0] > last[0])
        async with db.session() as session:
            rows = (await session.execute(query)).all()
            for row in rows:
                ident = tuple(row[: len(keys)])
                for index, column in enumerate(columns):
                    token = row[len(keys) + index]
                    if token is None:
                        continue
                    fresh = crypto.rotate(token)
                    where = and_(*(k == v for k, v in zip(keys, ident, strict=True)),
                                 type_coerce(column, Text) == token)
                    result = await session.execute(
                        update(table).where(where).values({column.name: literal(fresh, Text)})
                    )
                    changed += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
        if not paged or len(rows) < BATCH:
            return changed
        last = tuple(rows[-1][: len(keys)])


async def rotate_all(db: Database) -> RotationStats:
    """Re-encrypt every stored token under the newest configured key."""
    stats = RotationStats()
    for table, columns in encrypted_columns().items():
        stats.values[table.name] = await _rotate_table(db, table, columns)
    return stats
