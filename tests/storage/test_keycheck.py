"""Key mistakes: the bot refuses to start when its keys can't read what is stored, and never
makes a new key file beside an existing database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.errors import ConfigurationError
from bot.storage.db import Database
from tests.helpers import Person, onboard

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The key in use from the start (the database's pseudonym key is stored under it)."""
    return settings.model_copy(update={"encryption_keys": OLD})


async def start(settings: Settings, database: Database, clock: FixedClock,
                keys: str) -> RecoveryBot:
    return await RecoveryBot.create(settings.model_copy(update={"encryption_keys": keys}),
                                    clock=clock, db=database, migrate=True)


async def test_a_start_with_keys_that_cant_read_the_data_is_refused(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    core = await start(settings, database, clock, OLD)
    await onboard(Person(core))
    with pytest.raises(ConfigurationError, match="can't read the data already stored"):
        await start(settings, database, clock, NEW)
    # The old key kept after the new one reads everything: the rotation path still works.
    core = await start(settings, database, clock, f"{NEW},{OLD}")
    sam = Person(core)
    await sam.say("/help")
    assert sam.text


async def test_a_database_from_before_the_canary_is_checked_on_a_stored_name(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    core = await start(settings, database, clock, OLD)
    await onboard(Person(core))
    async with database.session() as session:
        await session.execute(text("DELETE FROM key_canary"))
        await session.commit()
    with pytest.raises(ConfigurationError, match="can't read the data already stored"):
        await start(settings, database, clock, NEW)


def test_a_missing_key_file_beside_a_database_is_not_replaced(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path)}
    for name in ("DATABASE_URL", "ENCRYPTION_KEYS", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)

    def chat(lines: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--user", "kim"],
                              input=lines, env=env, capture_output=True, text=True,
                              timeout=120, check=False)

    assert chat("/start\n1\nKim\n").returncode == 0
    (tmp_path / "encryption.key").unlink()
    refused = chat("/help\n")
    assert refused.returncode == 2
    assert "the key file" in refused.stderr and "is missing" in refused.stderr
    assert not (tmp_path / "encryption.key").exists()
    (tmp_path / "encryption.key").write_text(Fernet.generate_key().decode())
    replaced = chat("/help\n")
    assert replaced.returncode == 2
    assert "can't read the data already stored" in replaced.stderr
