"""Check-ins over Telegram: the real PTB Application with AIORateLimiter, against the Bot API
double. Scheduled check-ins are sent by calling the dispatcher with the test's clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import RecoveryBot
from bot.channels.telegram import SEND_ATTEMPTS, TelegramChannel, build_application, polling
from bot.clock import FixedClock
from bot.config import Settings
from bot.devtools import FakeTelegram, FakeUser
from bot.scheduling.dispatcher import retry_delay
from bot.scheduling.models import HELD, SCHEDULED
from bot.storage.models import Person as PersonRow
from tests.scheduling.nudge_helpers import nudges_of, send_due

SHAMING = ("relapse", "failed", "failure", "start over", "back to zero", "reset", "clean",
           "dirty", "addict", "alcoholic", "disappoint", "should have", "shame")
EVENING = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)  # 20:30 in London (GMT)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """No scheduler ticks of its own: the tests call the dispatcher with their clock."""
    return Settings(data_dir=tmp_path / "data", telegram_bot_token=None,
                    scheduler_tick_seconds=0, _env_file=None)


@pytest.fixture
async def bot_api(
    settings: Settings, core: RecoveryBot
) -> AsyncIterator[tuple[FakeTelegram, TelegramChannel]]:
    """The Bot API double and the Telegram channel serving `core`, rate limiter on."""
    async with FakeTelegram() as fake:
        tg = settings.model_copy(update={
            "telegram_bot_token": fake.token, "telegram_api_base_url": fake.base_url,
            "telegram_rate_limiter": True,
        })
        application = build_application(tg, core)
        async with polling(application, poll_interval=0, timeout=1):
            yield fake, application.bot_data["channel"]


async def onboard(user: FakeUser) -> None:
    # Each reply below is ONE message: the channel joins a reflection with the next question.
    await user.send("/start")
    [consent] = await user.wait_reply()
    assert "glad you're here" in consent.text and "Is that okay with you?" in consent.text
    await user.press_label("That's okay with me")
    await user.wait_reply()
    await user.send("Ada")
    [ask_reason] = await user.wait_reply()
    assert "Nice to meet you, Ada" in ask_reason.text and "What brings you here" in ask_reason.text
    await user.send("I want to feel steadier")
    await user.wait_reply()
    await user.press_label("Stopping")
    await user.wait_reply()
    await user.press_label("United Kingdom")
    await user.wait_reply()
    await user.send("8.30pm")
    [done] = await user.wait_reply()
    assert "every day at 20:30" in done.text


async def is_active(core: RecoveryBot, user_id: int) -> bool:
    async with core.db.session() as session:
        query = select(PersonRow.active).where(PersonRow.user_key == f"telegram:{user_id}")
        return bool((await session.execute(query)).scalar_one())


async def test_a_lapse_in_a_check_in_is_met_with_warmth_not_shame(
    bot_api: tuple[FakeTelegram, TelegramChannel],
) -> None:
    fake, _ = bot_api
    ada = fake.user(3001)
    await onboard(ada)
    await ada.send("/checkin")
    [ask_mood] = await ada.wait_reply()
    assert "check" in ask_mood.text and "today" in ask_mood.text  # wordings vary by day
    # Each answer's reflection and the next question arrive joined, as ONE Telegram message.
    await ada.press_label("Hard")
    [sorry_and_ask_craving] = await ada.wait_reply()
    await ada.press_label("8")
    [strong_pull_and_ask_plan] = await ada.wait_reply()
    texts = [sorry_and_ask_craving.text, strong_pull_and_ask_plan.text]
    assert "I drank or used today" in ada.last_buttons()
    await ada.press_label("I drank or used today")
    [ask_what_happened] = await ada.wait_reply()
    assert "doesn't undo" in ask_what_happened.text  # never a reset
    await ada.send("My brother came round with a bottle and I just went along with it")
    [heard_and_ask_tomorrow] = await ada.wait_reply()
    said, ask_tomorrow = heard_and_ask_tomorrow.text.rsplit("\n\n", 1)
    assert "your brother" in said.lower()  # what they said is heard, not pasted
    assert "My brother came round" not in said
    assert "/coach" in said and "tomorrow" in ask_tomorrow
    await ada.send("Call my sister before the evening")
    [reflect_and_thanks] = await ada.wait_reply()
    text = reflect_and_thanks.text
    assert "your sister" in text and "first one" in text  # their step, in the second person
    assert text.index("your sister") < text.index("first one")
    everything = " ".join(texts + [ask_what_happened.text, heard_and_ask_tomorrow.text,
                                   reflect_and_thanks.text]).lower()
    assert not [word for word in SHAMING if word in everything]


async def test_a_scheduled_check_in_waits_out_flood_control(
    bot_api: tuple[FakeTelegram, TelegramChannel], core: RecoveryBot, clock: FixedClock
) -> None:
    fake, channel = bot_api
    ada = fake.user(3002)
    await onboard(ada)
    clock.set(EVENING)
    fake.fail_next("sendMessage", status=429, retry_after=1)
    stats = await send_due(core, channel, clock.now())
    assert stats.sent == 1
    [nudge] = await ada.wait_reply()
    assert "check-in time" in nudge.text and "In an hour" in ada.last_buttons()


async def test_a_server_error_is_retried_by_the_channel(
    bot_api: tuple[FakeTelegram, TelegramChannel], core: RecoveryBot, clock: FixedClock
) -> None:
    fake, channel = bot_api
    ada = fake.user(3003)
    await onboard(ada)
    clock.set(EVENING)
    fake.fail_next("sendMessage", status=500)
    assert (await send_due(core, channel, clock.now())).sent == 1
    await ada.wait_reply()


async def test_a_long_outage_leaves_the_nudge_due_again_with_backoff(
    bot_api: tuple[FakeTelegram, TelegramChannel], core: RecoveryBot, clock: FixedClock
) -> None:
    fake, channel = bot_api
    ada = fake.user(3004)
    await onboard(ada)
    clock.set(EVENING)
    # Fails every one of the channel's own tries, then Telegram is back.
    fake.fail_next("sendMessage", status=502, count=SEND_ATTEMPTS)
    stats = await send_due(core, channel, clock.now())
    assert (stats.sent, stats.retried) == (0, 1)
    row = (await nudges_of(core, "telegram:3004"))["checkin"]
    assert row.attempts == 1 and row.due_at == EVENING + retry_delay(1)
    # The person writes meanwhile: they get an ordinary answer, not an unseen check-in.
    await ada.send("hello")
    [idle] = await ada.wait_reply()
    assert "I'm here" in idle.text
    clock.advance(retry_delay(1))
    assert (await send_due(core, channel, clock.now())).sent == 1
    [nudge] = await ada.wait_reply()
    assert "check-in time" in nudge.text


async def test_a_timeout_is_retried_and_the_check_in_arrives(
    bot_api: tuple[FakeTelegram, TelegramChannel], core: RecoveryBot, clock: FixedClock
) -> None:
    fake, channel = bot_api
    ada = fake.user(3005)
    await onboard(ada)
    clock.set(EVENING)
    fake.delay_next("sendMessage", seconds=6)  # longer than PTB's 5 s read timeout
    assert (await send_due(core, channel, clock.now())).sent == 1
    # A slow Telegram may deliver the timed-out call too: at worst one repeat, never a loss.
    nudges = [m for m in await ada.wait_reply(timeout=10) if "check-in time" in m.text]
    assert 1 <= len(nudges) <= 2


async def test_a_person_who_blocked_the_bot_gets_no_nudges_until_they_write(
    bot_api: tuple[FakeTelegram, TelegramChannel], core: RecoveryBot, clock: FixedClock
) -> None:
    fake, channel = bot_api
    ada = fake.user(3006)
    await onboard(ada)
    fake.block_user(3006)
    clock.set(EVENING)
    stats = await send_due(core, channel, clock.now())
    assert stats.held_unreachable == 1
    assert not await is_active(core, 3006)
    assert (await nudges_of(core, "telegram:3006"))["checkin"].status == HELD
    clock.advance(timedelta(days=1))
    assert (await send_due(core, channel, clock.now())).claimed == 0
    fake.unblock_user(3006)
    clock.advance(timedelta(hours=12))
    await ada.send("hi again")
    await ada.wait_reply()
    assert await is_active(core, 3006)
    row = (await nudges_of(core, "telegram:3006"))["checkin"]
    assert row.status == SCHEDULED
    clock.set(row.due_at)
    assert (await send_due(core, channel, clock.now())).sent == 1
    [nudge] = await ada.wait_reply()
    assert "check-in time" in nudge.text
