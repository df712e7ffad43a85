"""Webhook delivery: updates POSTed with the secret header, to a plain server and to PTB."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Update
from telegram.error import Conflict
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.devtools import FakeTelegram


class Receiver:
    """A webhook endpoint that records what it gets and can fail the first few posts."""

    def __init__(self, failures: int = 0) -> None:
        self.received: asyncio.Queue[tuple[dict[str, str], dict[str, object]]] = asyncio.Queue()
        self.failures = failures
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures:
            self.failures -= 1
            return web.Response(status=500)
        await self.received.put((dict(request.headers), await request.json()))
        return web.Response()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    target.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield target
    await runner.cleanup()


async def test_webhook_delivery_with_secret(fake: FakeTelegram, receiver: Receiver) -> None:
    bot = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build().bot
    async with bot:
        user = fake.user(1)
        await user.send("queued before the webhook")
        await bot.set_webhook(receiver.url, secret_token="s3cret")
        await user.send("after")
        for expected in ("queued before the webhook", "after"):
            headers, update = await asyncio.wait_for(receiver.received.get(), 1)
            assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
            assert update["message"]["text"] == expected  # type: ignore[index]
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (receiver.url, 0)
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        await bot.delete_webhook()
        await user.send("polled again")
        [polled] = await bot.get_updates()
        assert polled.message is not None and polled.message.text == "polled again"


async def test_failing_webhook_is_retried(fake: FakeTelegram, receiver: Receiver) -> None:
    receiver.failures = 2
    bot = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build().bot
    async with bot:
        await bot.set_webhook(receiver.url)
        await fake.user(1).send("eventually")
        headers, _ = await asyncio.wait_for(receiver.received.get(), 2)
        assert "X-Telegram-Bot-Api-Secret-Token" not in headers
        info = await bot.get_webhook_info()
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )


async def test_ptb_webhook_mode_round_trip(fake: FakeTelegram, free_port: int) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    port = free_port
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="hook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        secret_token="s3cret",
    )
    try:
        alice = fake.user(1)
        await alice.send("over the webhook")
        [reply] = await alice.wait_reply(timeout=2)
        assert reply.text == "echo: over the webhook"
        assert fake.updates.webhook is not None
        assert fake.updates.webhook.secret_token == "s3cret"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


class SlowReceiver:
    """A webhook endpoint that takes its time over each post and notes overlaps per chat."""

    def __init__(self) -> None:
        self.order: list[tuple[int, str]] = []
        self.busy: set[int] = set()
        self.overlaps = 0
        self.most_at_once = 0

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        if chat in self.busy:
            self.overlaps += 1
        self.busy.add(chat)
        self.most_at_once = max(self.most_at_once, len(self.busy))
        await asyncio.sleep(0.02)
        self.order.append((chat, update["message"]["text"]))
        self.busy.discard(chat)
        return web.Response()


async def test_a_chat_gets_its_next_update_only_after_the_last_was_answered(
    fake: FakeTelegram,
) -> None:
    target = SlowReceiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        bot = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build().bot
        async with bot:
            await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook")
            users = [fake.user(n) for n in range(1, 6)]
            for i in range(4):
                for user in users:
                    await user.send(f"message {i}")
            async with asyncio.timeout(10):
                while len(target.order) < 20:
                    await asyncio.sleep(0.01)
    finally:
        await runner.cleanup()
    assert target.overlaps == 0  # never two of one chat's updates at once...
    assert target.most_at_once > 1  # ...while different chats are served side by side
    for user in users:
        mine = [text for chat, text in target.order if chat == user.id]
        assert mine == [f"message {i}" for i in range(4)]


async def test_an_update_whose_answer_was_lost_is_posted_again(
    fake: FakeTelegram, receiver: Receiver
) -> None:
    bot = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build().bot
    async with bot:
        await bot.set_webhook(receiver.url)
        fake.lose_webhook_answers(1)
        await fake.user(1).send("once")
        await fake.user(1).send("twice")
        received = [await asyncio.wait_for(receiver.received.get(), 2) for _ in range(3)]
    ids = [update["update_id"] for _, update in received]
    assert ids[0] == ids[1] != ids[2]  # the first came again, before the second
    assert [u["message"]["text"] for _, u in received] == ["once", "once", "twice"]  # type: ignore[index]
