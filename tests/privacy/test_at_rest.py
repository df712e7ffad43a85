"""After /delete, no file under DATA_DIR holds the person's key, words or crisis categories:
the database (secure_delete), its write-ahead log (checkpointed) and their exports (removed).
DATA_DIR and the files in it are owner-only."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from tests.channels.test_console import run_chat

NAME = "Zephyrine"
REASON = "my brother found my stash"


def every_file(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_after_delete_no_file_holds_their_key_words_or_categories(tmp_path: Path) -> None:
    onboarding = ["/start", "1", NAME, REASON, "Cutting down", "2", "9pm"]
    before = run_chat(tmp_path, [*onboarding, "i want to die", "I'm okay right now",
                                 "/export"], "--user", "zephy")
    data = tmp_path / "data"
    exports = [r["attachment"] for r in before if r.get("attachment")]
    assert len(exports) == 2 and all(NAME in Path(p).read_text() for p in exports)
    # Someone else exporting the same day gets their own files, not Zephyrine's overwritten.
    other = run_chat(tmp_path, [*onboarding[:2], "Quill", "more good mornings",
                                *onboarding[4:], "/export"],
                     "--user", "quill")
    other_exports = [r["attachment"] for r in other if r.get("attachment")]
    assert set(other_exports).isdisjoint(exports)
    assert all(Path(p).exists() for p in exports)

    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in every_file(data):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path

    deleted = run_chat(tmp_path, ["/delete", "Yes, delete everything", "Delete it all now"],
                       "--user", "zephy")
    assert deleted[-1]["template"] == "privacy/deleted"
    traces = (b"console:zephy", NAME.encode(), REASON.encode(), b"suicide.want_to_die")
    for path in every_file(data):
        content = path.read_bytes()
        assert not any(trace in content for trace in traces), path
    assert all(not Path(p).exists() for p in exports)
    assert all(Path(p).exists() for p in other_exports)  # Quill's stay


async def test_a_running_bots_database_and_log_forget_at_once(tmp_path: Path) -> None:
    """While the bot keeps running (the log is not closed and cleaned up at exit), the
    database file and its write-ahead log hold nothing of a person right after /delete."""
    from bot.app import RecoveryBot
    from bot.clock import FixedClock
    from bot.config import Settings
    from bot.storage.db import Database
    from tests.conftest import START
    from tests.helpers import Person, onboard

    path = tmp_path / "data" / "live.sqlite3"
    database = Database(f"sqlite+aiosqlite:///{path}")
    await database.upgrade()
    core = await RecoveryBot.create(Settings(data_dir=tmp_path / "data", _env_file=None),
                                    clock=FixedClock(START), db=database, migrate=False)
    try:
        zed = Person(core, "zedlive")
        await onboard(zed, name=NAME)
        await zed.say("i want to die")
        await zed.say("/delete")
        await zed.press("Yes, delete everything")
        await zed.press("Delete it all now")
        assert zed.templates[-1] == "privacy/deleted"
        for each in path.parent.glob("live.sqlite3*"):
            content = each.read_bytes()
            assert b"console:zedlive" not in content and b"suicide.want_to_die" not in content, each
    finally:
        await database.dispose()



def test_while_kept_their_address_crisis_kind_and_nudge_kinds_are_opaque(tmp_path: Path) -> None:
    """Nothing in the files says who on the channel this is, that a crisis was about
    suicide, or that a follow-up after a crisis is due: those are pseudonyms, which the
    bot itself reads back."""
    run_chat(tmp_path, ["/start", "1", NAME, REASON, "Cutting down", "2", "9pm",
                        "i want to die", "I'm okay right now"], "--user", "zephy")
    content = b"".join(path.read_bytes() for path in (tmp_path / "data").glob("*.sqlite3*"))
    for trace in (b"console:zephy", b"zephy", b"suicide", b"safety_followup"):
        assert trace not in content, trace
    assert asyncio.run(stored_kinds(tmp_path / "data")) == (
        "console:zephy", ["suicide"], ["checkin", "safety_followup"])


async def stored_kinds(data: Path) -> tuple[str, list[str], list[str]]:
    from sqlalchemy import select

    from bot.config import Settings, configure_encryption
    from bot.safety.models import SafetyEvent
    from bot.scheduling.models import Nudge
    from bot.storage.db import Database
    from bot.storage.models import Person
    from bot.storage.pseudonyms import load_pseudonym_key

    settings = Settings(data_dir=data, _env_file=None)
    configure_encryption(settings)
    database = Database(settings.resolved_database_url())
    try:
        await load_pseudonym_key(database)
        async with database.session() as session:
            person = (await session.execute(select(Person.user_key))).scalar_one()
            events = (await session.execute(select(SafetyEvent.category))).scalars().all()
            kinds = (await session.execute(select(Nudge.kind))).scalars().all()
    finally:
        await database.dispose()
    return person, list(events), sorted(kinds)
