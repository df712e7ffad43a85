"""Every row about a person, found by walking the schema rather than by a list of tables.

A table is *about a person* when a chain of foreign keys leads from it to `people.id` without
passing through an `ON DELETE SET NULL` key: such a key only *mentions* someone (a handoff
names the coach who took it; that handoff belongs to the person who asked, not to the coach).
A new table with a `person_id` (or a key to a table that has one) is therefore exported and
deleted without anyone remembering to list it.

    rows = await rows_about(session, person_id)     # {table name: [row dicts]}
    await delete_rows_about(session, person_id)     # children first, then the person
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.schema import Base

PEOPLE = "people"
# Mentions that are still about the person: an operator's invite that a coach used names
# that coach (its display name), so it goes with them.
MENTIONS_THAT_BELONG = frozenset({("coach_invites", "coach_id")})
# Tables about a person that are bookkeeping rather than anything they told us: deleted with
# them, not part of their export. Each needs a reason.
INTERNAL_TABLES = {
    "nudges": "the queue of messages the bot will send; their settings are exported instead",
    "retention_notices": "when the bot warned that quiet data would be deleted",
}


def _owning_keys(table: Table) -> Iterator[Any]:
    for key in table.foreign_keys:
        mention = key.ondelete is not None and key.ondelete.upper() == "SET NULL"
        if not mention or (table.name, key.parent.name) in MENTIONS_THAT_BELONG:
            yield key


def owner_filter(table: Table, person_id: int, _depth: int = 0) -> ColumnElement[bool] | None:
    """A WHERE clause selecting `table`'s rows about the person, or None if it has none."""
    if _depth > 8:
        raise RuntimeError(f"foreign keys of {table.name} loop; can't find whose rows they are")
    people = Base.metadata.tables[PEOPLE]
    if table is people:
        return people.c.id == person_id
    conditions: list[ColumnElement[bool]] = []
    for key in _owning_keys(table):
        parent = key.column.table
        parent_filter = owner_filter(parent, person_id, _depth + 1)
        if parent_filter is None:
            continue
        if parent is people:
            conditions.append(key.parent == person_id)
        else:
            conditions.append(key.parent.in_(select(key.column).where(parent_filter)))
    return or_(false(), *conditions) if conditions else None


def tables_about_people() -> list[Table]:
    """Every table with rows about a person (people first, children after parents)."""
    return [t for t in Base.metadata.sorted_tables if owner_filter(t, 0) is not None]


def tables_referring_to_people() -> list[Table]:
    """Every table with any foreign-key path to `people`, mentions included (for tests)."""
    found: set[str] = {PEOPLE}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            if table.name not in found and any(
                key.column.table.name in found for key in table.foreign_keys
            ):
                found.add(table.name)
                changed = True
    return [t for t in Base.metadata.sorted_tables if t.name in found]


def exported_tables() -> list[Table]:
    """Tables whose rows about a person go into their export."""
    return [t for t in tables_about_people() if t.name not in INTERNAL_TABLES]


async def rows_about(session: AsyncSession, person_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every exported row about the person, decrypted, by table name."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in exported_tables():
        where = owner_filter(table, person_id)
        assert where is not None  # exported tables all lead to a person
        order = list(table.primary_key.columns)
        result = await session.execute(select(table).where(where).order_by(*order))
        found[table.name] = [dict(row._mapping) for row in result]
    return found


async def delete_rows_about(session: AsyncSession, person_id: int) -> int:
    """Delete every row about the person, children first; returns how many rows went.

    Pending ORM changes are flushed first and every object is then detached, so nothing
    tries to write a deleted row afterwards in this transaction.
    """
    await session.flush()
    removed = 0
    for table in reversed(tables_about_people()):
        where = owner_filter(table, person_id)
        assert where is not None  # tables about people all lead to a person
        result = await session.execute(delete(table).where(where))
        removed += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    session.expunge_all()
    return removed
