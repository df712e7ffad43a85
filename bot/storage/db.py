"""The database: engine, sessions and migrations, for SQLite (default) and PostgreSQL.

    db = Database("sqlite+aiosqlite:///data/bot.sqlite3")
    await db.upgrade()                  # Alembic migrations, also run at every start
    async with db.session() as s: ...   # one unit of work
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 815_2604  # PostgreSQL advisory lock id: one worker migrates at a time

log = logging.getLogger(__name__)


#: The newest migration (tests/storage/test_migrations_head.py keeps it true): a database
#: already there is not handed to Alembic at all, which saves a quarter of a second at start.
HEAD = "0011_pseudonyms"


def alembic_config(connection: Connection | None = None) -> Any:  # noqa: ANN401 - alembic Config
    """Alembic configuration pointing at the package's migrations."""
    from alembic.config import Config  # imported only when there is migrating to do

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class Database:
    """An async engine plus a session factory for one database URL."""

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False) -> None:
        self.url = make_url(url)
        self.schema = schema
        connect_args: dict[str, Any] = {}
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            database = self.url.database
            if database and database != ":memory:":
                private_file(Path(database))
            connect_args["timeout"] = 30
            # SQLite has one writer at a time; one pooled connection queues transactions in
            # the pool instead of having them spin on the file lock (about 2x faster here).
            kwargs.update(pool_size=1, max_overflow=0, pool_timeout=60)
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
            if schema:
                connect_args["server_settings"] = {"search_path": schema}
        self.engine = create_async_engine(url, echo=echo, connect_args=connect_args, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed on success, rolled back on error.

        A transaction that deleted a person (`forgotten(session)`) is followed, on SQLite, by
        a WAL checkpoint that truncates the log: with `secure_delete` on, nothing of the
        deleted rows is left in the database file or beside it."""
        async with self.sessions() as session:
            async with session.begin():
                yield session
            if session.info.pop(FORGOTTEN, False) and self.is_sqlite:
                async with self.engine.connect() as conn:
                    await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def at_head(self) -> bool:
        """Whether the database already has every migration (no Alembic needed)."""
        try:
            async with self.engine.connect() as conn:
                version = (await conn.execute(text("SELECT version_num FROM alembic_version")))
                return [row[0] for row in version] == [HEAD]
        except Exception:  # noqa: BLE001 - no table yet, or anything else: let Alembic see
            return False

    async def upgrade(self) -> None:
        """Apply every Alembic migration not yet applied (safe with several workers)."""
        if await self.at_head():
            return
        from alembic import command

        async with self.engine.begin() as conn:
            if self.is_postgres:
                if self.schema:
                    await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                await conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
            await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "heads"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


FORGOTTEN = "forgotten"  # session.info flag: this transaction deleted a person


def forgotten(session: AsyncSession) -> None:
    """Mark the session's transaction as one that deleted a person (see Database.session)."""
    session.info[FORGOTTEN] = True


def private_file(path: Path) -> None:
    """Make `path`'s folder owner-only (0700) and the file, and SQLite's -wal and -shm files
    beside it, owner-only (0600) once they exist: health details are nobody else's to read."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.chmod(0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists():
            each.chmod(0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left in free pages
    cursor.close()
