"""`recovery-bot keys rotate`: data written under key A reads with key B alone afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, select, type_coerce

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.errors import ConfigurationError
from bot.privacy.records import rows_about
from bot.privacy.rotate import encrypted_columns
from bot.storage import crypto
from bot.storage.db import Database
from bot.storage.models import Person as PersonRow
from bot.storage.pseudonyms import load_pseudonym_key
from tests.privacy.support import NAME, TYPED_SECRETS, person_id, person_with_everything

KEY_A = Fernet.generate_key().decode()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Key A from the start (the database's pseudonym key is stored under it)."""
    return settings.model_copy(update={"encryption_keys": KEY_A})


def test_every_encrypted_column_is_found() -> None:
    found = {(t.name, c.name) for t, cols in encrypted_columns().items() for c in cols}
    assert {("people", "preferred_name"), ("conversations", "data"),
            ("plan_versions", "content"), ("checkins", "note"),
            ("handoff_messages", "text")} <= found


async def test_rotate_then_only_the_new_key_reads_everything(
    settings: Settings, database: Database, database_url: str, clock: FixedClock,
    tmp_path: Path,
) -> None:
    key_a, key_b = KEY_A, Fernet.generate_key().decode()
    core = await RecoveryBot.create(settings, clock=clock, db=database, migrate=False)
    morgan, _ = await person_with_everything(core)
    pid = await person_id(core, morgan.key)
    assert pid is not None

    env = {**os.environ, "DATABASE_URL": database_url, "ENCRYPTION_KEYS": f"{key_b},{key_a}",
           "DATA_DIR": str(tmp_path / "cli"), "DATABASE_SCHEMA": database.schema or ""}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "keys", "rotate"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Re-encrypted" in done.stdout

    crypto.configure(crypto.parse_keys(key_b))
    crypto.configure_pseudonyms(crypto.new_pseudonym_key())  # as a fresh process, then load:
    await load_pseudonym_key(database)  # the pseudonym key was re-encrypted, not changed
    async with database.session() as session:
        assert (await session.execute(select(PersonRow.id).where(
            PersonRow.user_key == morgan.key))).scalar() == pid
        rows = await rows_about(session, pid)
    assert rows["people"][0]["preferred_name"] == NAME
    dumped = repr(rows)
    for typed in TYPED_SECRETS:
        assert typed in dumped
    # And key A alone no longer reads it.
    crypto.configure(crypto.parse_keys(key_a))
    async with database.session() as session:
        with pytest.raises(ConfigurationError):
            await session.execute(select(PersonRow.preferred_name).where(PersonRow.id == pid))
        raw = (await session.execute(select(type_coerce(PersonRow.preferred_name, Text)))).all()
    assert all(NAME not in str(value) for value in raw)
