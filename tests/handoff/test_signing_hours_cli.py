"""Button signing, coaching hours, the offer after hard check-ins, and the operator CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.handoff import offer_after_hard_checkins
from bot.handoff.hours import next_opening, within_hours
from bot.handoff.signing import sign, verify
from bot.ports import StepContext as Deps
from bot.storage.people import get_or_create_person
from tests.helpers import Person


def test_signed_button_data_verifies_and_fits_telegram(settings: Settings) -> None:
    data = sign(settings, "rate", 123456, "not_really")
    assert len(data.encode()) <= 64  # Telegram's callback_data limit
    button = verify(settings, data)
    assert button is not None and (button.verb, button.handoff_id, button.value) == (
        "rate", 123456, "not_really")
    tampered = data.replace("123456", "123457")
    assert verify(settings, tampered) is None
    other = settings.model_copy(update={"handoff_secret": "another secret"})
    assert verify(other, data) is None  # signed under another key
    assert verify(settings, "h:claim:1") is None and verify(settings, "1:yes") is None


def test_coaching_hours_including_overnight() -> None:
    at = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert within_hours(at, None, "UTC")
    assert not within_hours(at, "09:00-21:00", "UTC")
    assert within_hours(at, "22:00-06:00", "UTC")
    assert next_opening(at, "09:00-21:00", "UTC") == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    # 09:30 UTC is 01:30 in Los Angeles: opens at 08:00 there, 16:00 UTC.
    morning = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    opens = next_opening(morning, "08:00-20:00", "America/Los_Angeles")
    assert opens is not None and opens.astimezone(UTC).hour == 16


async def test_offer_after_hard_checkins_at_most_weekly(
    core: RecoveryBot, clock: FixedClock
) -> None:
    async def offer() -> str | None:
        async with core.db.session() as session:
            person = await get_or_create_person(session, "console:sam", clock.now())
            deps = Deps(session=session, person=person, settings=core.settings,
                        now=clock.now(), services=core)
            return await offer_after_hard_checkins(deps)

    assert await offer() == "flow:handoff_offer"
    clock.advance(timedelta(days=2))
    assert await offer() is None
    clock.advance(timedelta(days=6))
    target = await offer()
    assert target == "flow:handoff_offer"
    # The offer flow itself, as the check-ins would start it.
    sam = Person(core, "sam")
    replies = await core.start_flow_for(sam.key, "handoff_offer")
    assert [r.template for r in replies] == ["handoff/offer"]
    sam.buttons = {b.label: b.data for b in replies[0].buttons}
    await sam.press("Yes, I'd like that")
    assert sam.templates == ["handoff/intro", "handoff/queued"]
    assert await offer() is None  # a handoff is open


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": ""}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)


def test_operator_commands(tmp_path: Path) -> None:
    made = run_cli(tmp_path, "coach", "invite", "--name", "Robin")
    assert made.returncode == 0, made.stderr
    code = made.stdout.split("Invite code: ")[1].split()[0]
    assert len(code) == 14 and code.count("-") == 2
    assert code not in (tmp_path / "recovery-bot.sqlite3").read_bytes().decode("latin-1")
    listed = run_cli(tmp_path, "coach", "list")
    assert "No coaches yet" in listed.stdout
    assert run_cli(tmp_path, "coach", "remove", "9").returncode == 1
    queue = run_cli(tmp_path, "handoffs")
    assert queue.returncode == 0 and "Waiting: 0" in queue.stdout
