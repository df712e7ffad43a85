"""Webhook mode end to end: the double posts updates with the secret; /healthz; /metrics."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import aiohttp
from tornado.netutil import bind_sockets

from bot import metrics
from bot.app import RecoveryBot
from bot.channels.telegram import build_application
from bot.config import Settings
from bot.devtools import FakeTelegram
from bot.web import MAX_BODY_BYTES, SECRET_HEADER, serving

SECRET = "a-long-enough-webhook-secret_123"


async def test_webhook_serves_people_health_and_metrics(
    settings: Settings, core: RecoveryBot
) -> None:
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    metrics_sockets = bind_sockets(0, "127.0.0.1")
    metrics_base = f"http://127.0.0.1:{metrics_sockets[0].getsockname()[1]}"
    async with FakeTelegram() as fake:
        web_settings = settings.model_copy(update={
            "telegram_bot_token": fake.token, "telegram_api_base_url": fake.base_url,
            "telegram_rate_limiter": False, "webhook_url": f"{base}/telegram",
            "webhook_secret": SECRET, "port": port,
        })
        application = build_application(web_settings, core)
        async with serving(application, web_settings, sockets, metrics_sockets), \
                aiohttp.ClientSession() as http:
            sam = fake.user(4242, first_name="Sam")
            await sam.send("/start")
            await sam.wait_reply()
            assert sam.last_buttons()[0] == "That's okay with me"
            sam.mark_seen()
            await sam.press_label("That's okay with me")
            [asked] = await sam.wait_reply()

            # Telegram never hears our answer to the name, so it posts the update again:
            # it is recognised and not answered twice.
            redelivered = metrics.registry.get_sample_value(
                "recovery_bot_updates_redelivered_total")
            fake.lose_webhook_answers(1)
            await sam.send("Sam")
            await sam.wait_reply()
            async with asyncio.timeout(5):
                while fake.updates.pending_count:
                    await asyncio.sleep(0.01)
            assert fake.updates.webhook is not None
            assert fake.updates.webhook.last_error_message == (
                "Connection failed: the answer was lost")

            # Forged posts (no secret, wrong secret) are refused and reach nobody.
            update = {"update_id": 999999, "message": {
                "message_id": 1, "date": 0, "chat": {"id": 4242, "type": "private"},
                "from": {"id": 4242, "is_bot": False, "first_name": "Sam"}, "text": "/delete"}}
            async with http.post(f"{base}/telegram", json=update) as response:
                assert response.status == 403
            async with http.post(f"{base}/telegram", json=update,
                                 headers={SECRET_HEADER: "wrong" * 4}) as response:
                assert response.status == 403

            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            async with http.get(f"{base}/metrics") as response:
                assert response.status == 404  # not on the public port
            async with http.get(f"{metrics_base}/metrics") as response:
                body = await response.text()
            assert response.status == 200
            handled = [line for line in body.splitlines()
                       if line.startswith('recovery_bot_updates_handled_total{outcome="ok"}')]
            assert handled and float(handled[0].split()[-1]) >= 2
            assert "recovery_bot_handler_seconds_bucket" in body
            assert "recovery_bot_handoffs_waiting 0.0" in body
            assert f"recovery_bot_updates_redelivered_total {redelivered + 1}" in body
            # (the id as a whole number: a timestamp's digits may contain it by chance)
            assert not re.search(r"(?<![\d.])4242(?![\d.])", body) and "Sam" not in body
    # Only the genuine updates were answered, each once; the forged /delete reached nobody.
    sent = [m.text for m in fake.sent if m.chat_id == 4242 and not m.is_edit]
    assert len(sent) == 3, sent  # hello + consent, name question, "Sam" answered once


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:fake", "WEBHOOK_URL": "https://x.example/t",
           "DATA_DIR": str(tmp_path)}
    env.pop("WEBHOOK_SECRET", None)
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run", "--webhook"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "WEBHOOK_SECRET is not set" in done.stderr


async def test_health_says_503_when_the_database_does_not_answer(
    settings: Settings, clock, database  # type: ignore[no-untyped-def]
) -> None:
    from bot.storage.db import Database

    core = await RecoveryBot.create(
        settings.model_copy(update={"scheduler_tick_seconds": 0}), clock=clock, db=database,
        migrate=False,
    )
    core.db = Database("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")  # then it went
    sockets = bind_sockets(0, "127.0.0.1")
    base = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
    metrics_sockets = bind_sockets(0, "127.0.0.1")
    metrics_base = f"http://127.0.0.1:{metrics_sockets[0].getsockname()[1]}"
    async with FakeTelegram() as fake:
        web_settings = settings.model_copy(update={
            "telegram_bot_token": fake.token, "telegram_api_base_url": fake.base_url,
            "telegram_rate_limiter": False, "webhook_url": f"{base}/hook",
            "webhook_secret": SECRET, "scheduler_tick_seconds": 0,
        })
        application = build_application(web_settings, core)
        async with serving(application, web_settings, sockets, metrics_sockets), \
                aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 503
            async with http.get(f"{metrics_base}/metrics") as response:
                assert response.status == 200  # metrics still served
    await core.db.dispose()


async def test_webhook_refuses_hostile_posts_cheaply(settings: Settings, core: RecoveryBot) -> None:
    """The secret is checked on the headers, before a byte of the body is read; bodies over
    the cap get 413; well-formed JSON that is not an update gets 400, never 500."""
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    async with FakeTelegram() as fake:
        web_settings = settings.model_copy(update={
            "telegram_bot_token": fake.token, "telegram_api_base_url": fake.base_url,
            "telegram_rate_limiter": False, "webhook_url": f"{base}/telegram",
            "webhook_secret": SECRET, "port": port, "metrics_port": 0,
        })
        application = build_application(web_settings, core)
        async with serving(application, web_settings, sockets), aiohttp.ClientSession() as http:
            # 95 MB announced, none of it sent: the 403 comes from the headers alone.
            assert await status_of_headers_alone(port, 99614720) == 403
            # With the secret, a body over the cap is refused as soon as it is announced.
            assert await status_of_headers_alone(port, MAX_BODY_BYTES + 1, SECRET) == 413
            for body in (b"[1,2]", b"null", b'{"update_id":1,"message":5}', b"{", b'"x"'):
                async with http.post(f"{base}/telegram", data=body,
                                     headers={SECRET_HEADER: SECRET}) as response:
                    assert response.status == 400, body
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200  # still serving
    assert [m for m in fake.sent] == []


async def status_of_headers_alone(port: int, length: int, secret: str = "") -> int:
    """The status the webhook answers to a post's headers, before any of its body is sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    secret_line = f"{SECRET_HEADER}: {secret}\r\n".encode() if secret else b""
    writer.write(b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 + secret_line + f"Content-Length: {length}\r\n\r\n{{".encode())
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    return int(status_line.split()[1])
