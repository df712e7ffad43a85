"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, and a bot core.

PostgreSQL tests use TEST_POSTGRES_URL (default: the local server with trust auth,
database `test`), each test in its own schema so parallel runs never collide. They skip
with the reason when no server answers, unless REQUIRE_POSTGRES=1 (CI), where that fails.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings, configure_encryption
from bot.storage.db import Database
from bot.storage.pseudonyms import load_pseudonym_key

PG_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _postgres_reason() -> str | None:
    """None when PostgreSQL answers, else why not."""
    import asyncpg

    dsn = PG_URL.replace("postgresql+asyncpg://", "postgresql://")

    async def probe() -> None:
        conn = await asyncpg.connect(dsn, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}: {exc}"
    return None


_PG_REASON: str | None | bool = False


def postgres_skip_reason() -> str | None:
    """Cached reachability check; fails instead of skipping when REQUIRE_POSTGRES=1."""
    global _PG_REASON
    if _PG_REASON is False:
        _PG_REASON = _postgres_reason()
    if _PG_REASON and os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but {_PG_REASON}")
    return _PG_REASON  # type: ignore[return-value]


async def drop_schema(schema: str) -> None:
    """Remove a test schema and everything in it."""
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database a test runs on."""
    if request.param == "postgres":
        reason = postgres_skip_reason()
        if reason:
            pytest.skip(reason)
    return str(request.param)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated once per test process; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"

    async def migrate() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.upgrade()
        await db.dispose()  # checkpoints the log into the file: one file to copy

    # Asked for from inside a test's running event loop: migrate on a loop of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, migrate()).result()
    return path


@pytest.fixture
async def database(backend: str, tmp_path: Path, settings: Settings,
                   request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """A migrated, empty database on the chosen backend, with the test's keys configured
    (the settings' key file, and the database's pseudonym key) as a started bot has them."""
    configure_encryption(settings)
    if backend == "sqlite":
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), copy)
        db = Database(f"sqlite+aiosqlite:///{copy}")
        await load_pseudonym_key(db)
        yield db
        await db.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    db = Database(PG_URL, schema=schema)
    await db.upgrade()
    await load_pseudonym_key(db)
    yield db
    await db.dispose()
    await drop_schema(schema)


@pytest.fixture
def database_url(database: Database) -> str:
    """The URL of the test database (for subprocesses, with the schema for PostgreSQL)."""
    return database.url.render_as_string(hide_password=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a test: data in a temporary folder, no Telegram token."""
    return Settings(data_dir=tmp_path / "data", telegram_bot_token=None, _env_file=None)


@pytest.fixture
def clock() -> FixedClock:
    """A clock that starts on a Monday morning UTC and moves only when told."""
    return FixedClock(START)


@pytest.fixture
async def core(settings: Settings, database: Database, clock: FixedClock) -> RecoveryBot:
    """The bot's core on the test database. The engines (compiled flows and templates, which
    no step changes) and the registry are built and checked once per test process; every test
    gets a new core around them, with its own settings, keys, database and clock."""
    if not _BUILT:
        built = await RecoveryBot.create(settings, clock=clock, db=database, migrate=False)
        _BUILT.append((built.engines, built.registry))
        return built
    configure_encryption(settings)
    engines, registry = _BUILT[0]
    return RecoveryBot(settings, engines, database, clock, registry)


_BUILT: list[tuple[Any, Any]] = []


@pytest.fixture
async def telegram(settings: Settings, core: RecoveryBot):  # type: ignore[no-untyped-def]
    """The real PTB Application serving `core`, against the local Bot API double.

    Yields the double (`FakeTelegram`): `fake.user(id).send(...)`, `.press_label(...)`,
    `.wait_reply()`; faults with `fake.fail_next(...)`, `fake.block_user(...)`.
    """
    from bot.channels.telegram import build_application, polling
    from bot.devtools import FakeTelegram

    async with FakeTelegram() as fake:
        tg_settings = settings.model_copy(update={
            "telegram_bot_token": fake.token,
            "telegram_api_base_url": fake.base_url,
            "telegram_rate_limiter": False,
        })
        application = build_application(tg_settings, core)
        async with polling(application, poll_interval=0, timeout=1):
            yield fake
