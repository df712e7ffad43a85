"""DATABASE_URL as people and hosting platforms write it."""

from __future__ import annotations

import pytest

from bot.config import Settings


@pytest.mark.parametrize(("given", "used"), [
    ("postgres://bot@db:5432/bot", "postgresql+asyncpg://bot@db:5432/bot"),
    ("postgresql://bot@db/bot", "postgresql+asyncpg://bot@db/bot"),
    ("postgresql+asyncpg://bot@db/bot", "postgresql+asyncpg://bot@db/bot"),
    # "sqlite:///..." stopped the console chat with a traceback about async drivers
    ("sqlite:////var/data/bot.sqlite3", "sqlite+aiosqlite:////var/data/bot.sqlite3"),
    ("sqlite+aiosqlite:///bot.sqlite3", "sqlite+aiosqlite:///bot.sqlite3"),
])
def test_a_database_url_gets_its_async_driver(given: str, used: str) -> None:
    settings = Settings(database_url=given, telegram_bot_token=None, _env_file=None)
    assert settings.resolved_database_url() == used
