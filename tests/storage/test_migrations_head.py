"""The start-up shortcut's idea of the newest migration is Alembic's."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from bot.storage.db import HEAD, Database, alembic_config


def test_head_is_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD]


async def test_a_database_at_head_is_recognised_and_a_new_one_is_not(
    database: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    assert await database.at_head()
    empty = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        assert not await empty.at_head()
        await empty.upgrade()
        assert await empty.at_head()
    finally:
        await empty.dispose()
