"""Stopping: SIGTERM lets the update in hand finish; a killed process's nudge claim expires."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.devtools import FakeTelegram
from bot.scheduling.dispatcher import LEASE
from bot.storage.db import Database
from tests.scheduling.nudge_helpers import CollectingTransport, send_due
from tests.scheduling.test_two_dispatchers import seed

CLAIMER = """
import asyncio, sys
from datetime import datetime, timedelta
from pathlib import Path
from bot.config import Settings, configure_encryption
from bot.storage.db import Database
from bot.storage.pseudonyms import load_pseudonym_key
from bot.scheduling.store import claim_due

async def main():
    configure_encryption(Settings(data_dir=Path(sys.argv[4]), _env_file=None))
    db = Database(sys.argv[1], schema=sys.argv[2] or None)
    await load_pseudonym_key(db)
    now = datetime.fromisoformat(sys.argv[3])
    claimed = await claim_due(db, now, limit=5000, lease=timedelta(minutes=5), token="doomed")
    print(len(claimed), flush=True)
    await asyncio.sleep(3600)  # "sending": killed here

asyncio.run(main())
"""


async def test_a_killed_process_claim_expires_and_another_sends(
    settings: Settings, database: Database, database_url: str, clock: FixedClock
) -> None:
    await seed(database, clock.now())
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLAIMER, database_url, database.schema or "",
        clock.now().isoformat(), str(settings.data_dir), stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    claimed = int((await asyncio.wait_for(process.stdout.readline(), 60)).decode())
    assert claimed > 0
    process.kill()  # SIGKILL: no cleanup of any kind
    await process.wait()

    core = await RecoveryBot.create(settings, clock=clock, db=database, migrate=False)
    transport = CollectingTransport()
    assert (await send_due(core, transport, clock.now())).sent == 0  # still leased
    clock.advance(LEASE + timedelta(seconds=1))
    stats = await send_due(core, transport, clock.now())
    assert stats.sent == claimed
    assert len({key for key, _ in transport.sent}) == claimed


async def test_sigterm_finishes_the_update_in_hand(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token,
               "TELEGRAM_API_BASE_URL": fake.base_url, "DATA_DIR": str(tmp_path),
               "TELEGRAM_RATE_LIMITER": "false", "SCHEDULER_TICK_SECONDS": "0"}
        for name in ("DATABASE_URL", "ENCRYPTION_KEYS", "WEBHOOK_URL", "RETENTION_DAYS"):
            env.pop(name, None)
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for_call("getUpdates", timeout=60)
            user = fake.user(31337, first_name="Ren")
            fake.delay_next("sendMessage", 1.5)  # the reply is slow to go out...
            await user.send("/start")
            await fake.wait_for_call("sendMessage", timeout=30)
            bot.send_signal(signal.SIGTERM)  # ...and the stop comes while it is in hand
            code = await asyncio.wait_for(bot.wait(), 60)
            assert bot.stderr is not None
            errors = (await bot.stderr.read()).decode()
            replies = user.messages
            assert len(replies) == 1 and replies[0].buttons, errors  # the whole reply
            assert code == 0, errors
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
        assert "Traceback" not in errors, errors


async def test_an_empty_console_session_stops_without_a_traceback(tmp_path: Path) -> None:
    """The issue's case: an empty line piped to `recovery-bot chat` ends the session while the
    first nudge tick is still querying; the tick finishes before the database closes."""
    env = {**os.environ, "DATA_DIR": str(tmp_path), "SCHEDULER_TICK_SECONDS": "5"}
    for name in ("DATABASE_URL", "ENCRYPTION_KEYS", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)
    for attempt in range(3):  # the race is timing-dependent: a few runs make it show
        chat = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "chat", "--user", f"quiet{attempt}", env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(chat.communicate(b"\n"), 60)
        assert chat.returncode == 0, err.decode()
        assert "Traceback" not in err.decode(), err.decode()
