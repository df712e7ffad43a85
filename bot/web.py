"""Webhook mode: one small HTTP server for Telegram's webhook, `/healthz` and `/metrics`.

    WEBHOOK_URL=https://bot.example.org/telegram WEBHOOK_SECRET=... PORT=8080 \\
        recovery-bot run --webhook

PTB's own webhook server serves only the webhook path, so this is PTB's "custom webhook
bot" pattern on Tornado (which PTB's webhooks extra already installs): the webhook path
checks Telegram's secret header and has the Application handle the update.

* POST <path of WEBHOOK_URL>: 403 without the right `X-Telegram-Bot-Api-Secret-Token`;
  200 once the update has been handled (its replies sent).
* GET /healthz: 200 when the database answers a query, else 503.
* GET /metrics: Prometheus text (bot.metrics): counts and timings, never ids or text.

Why answer only after handling (PTB's own server answers at once): Telegram sends a chat's
next update only after the webhook answered the last one, so answering late keeps each
person's messages in order even when several processes sit behind one load balancer, and
an update in hand when a process dies is delivered again rather than lost (the core
recognises a redelivery by its update_id and does not handle it twice).

On SIGTERM or SIGINT the server stops taking updates, updates in hand finish, background
services stop (a nudge being sent finishes; its lease would run out anyway), and the
process exits.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import func, select, text
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApp
from tornado.web import RequestHandler

from bot import metrics
from bot.config import Settings
from bot.errors import where_it_failed

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
DEFAULT_PATH = "/telegram"
#: How long a stopping process waits for the updates in hand (hosts send SIGKILL after ~30 s).
SHUTDOWN_GRACE_SECONDS = 20.0


def webhook_problem(settings: Settings) -> str | None:
    """Why webhook mode can't start with these settings, in words for the operator; or None."""
    if not settings.telegram_bot_token:
        return "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather on Telegram."
    if not settings.webhook_url:
        return ("WEBHOOK_URL is not set: the public HTTPS address Telegram should post updates "
                "to, e.g. https://bot.example.org/telegram")
    if not settings.webhook_secret:
        return ("WEBHOOK_SECRET is not set. Without it anyone who finds the URL could post fake "
                "updates. Use 16-256 letters, digits, _ or -, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`.")
    if not SECRET_RE.match(settings.webhook_secret):
        return "WEBHOOK_SECRET must be 16-256 characters: letters, digits, _ or -."
    return None


def webhook_path(settings: Settings) -> str:
    """The path the webhook is served on: WEBHOOK_URL's path, or /telegram."""
    path = urlparse(settings.webhook_url or "").path.rstrip("/")
    return path or DEFAULT_PATH


class InHand:
    """Counts the updates being handled, so shutdown can wait for them to finish."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def __enter__(self) -> None:
        self.count += 1
        self._idle.clear()

    def __exit__(self, *exc: object) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def finished(self, timeout: float) -> bool:
        """Wait until none is in hand (True), or `timeout` seconds (False)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


class _Base(RequestHandler):  # type: ignore[misc]
    def initialize(
        self, ptb: Application, settings: Settings, in_hand: InHand  # type: ignore[type-arg]
    ) -> None:
        self.ptb = ptb
        self.bot_settings = settings
        self.in_hand = in_hand

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:  # noqa: ANN401
        log.error("web request failed: %s", where_it_failed(value))

    async def database_answers(self) -> bool:
        channel = self.ptb.bot_data.get("channel")
        if channel is None:
            return False
        try:
            async with channel.core.db.session() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            log.warning("health check: database did not answer (%s)", type(exc).__name__)
            return False
        return True


class WebhookHandler(_Base):
    """Telegram's POSTs: check the secret, queue the update."""

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        expected = self.bot_settings.webhook_secret or ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("refused a webhook post without the right secret")
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.ptb.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("refused a webhook post that is not an update (%s)", type(exc).__name__)
            self.set_status(400)
            return
        with self.in_hand:
            processor = self.ptb.update_processor  # honours TELEGRAM_CONCURRENT_UPDATES
            await processor.process_update(update, self.ptb.process_update(update))
        self.set_status(200)


class HealthHandler(_Base):
    """200 when the database answers."""

    async def get(self) -> None:
        healthy = await self.database_answers()
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "text/plain")
        self.finish("ok\n" if healthy else "database unavailable\n")


class MetricsHandler(_Base):
    """Prometheus metrics; the queue gauge is read from the database at each scrape."""

    async def get(self) -> None:
        from bot.handoff.models import WAITING, Handoff

        channel = self.ptb.bot_data.get("channel")
        if channel is not None:
            try:
                async with channel.core.db.session() as session:
                    waiting = (await session.execute(
                        select(func.count()).select_from(Handoff).where(Handoff.status == WAITING)
                    )).scalar_one()
                metrics.handoffs_waiting.set(waiting)
            except Exception as exc:  # noqa: BLE001 - serve the other metrics anyway
                log.warning("metrics: could not count waiting handoffs (%s)", type(exc).__name__)
        self.set_header("Content-Type", metrics.CONTENT_TYPE)
        self.finish(metrics.render())


def web_app(
    application: Application, settings: Settings, in_hand: InHand  # type: ignore[type-arg]
) -> TornadoApp:
    """The Tornado app: webhook path, /healthz, /metrics."""
    args = {"ptb": application, "settings": settings, "in_hand": in_hand}
    return TornadoApp([
        (re.escape(webhook_path(settings)), WebhookHandler, args),
        (r"/healthz", HealthHandler, args),
        (r"/metrics", MetricsHandler, args),
    ])


@asynccontextmanager
async def serving(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    sockets: list[socket.socket] | None = None,
) -> AsyncIterator[None]:
    """Run `application` in webhook mode (start-up and shutdown hooks as with polling).

    `sockets` lets a caller bind first (tests use port 0); else PORT on WEBHOOK_LISTEN.
    """
    problem = webhook_problem(settings)
    if problem:
        raise ValueError(problem)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    in_hand = InHand()
    server = HTTPServer(web_app(application, settings, in_hand), xheaders=True)
    server.add_sockets(sockets or bind_sockets(settings.port, settings.webhook_listen))
    await application.bot.set_webhook(
        url=settings.webhook_url or "", secret_token=settings.webhook_secret,
        allowed_updates=Update.ALL_TYPES,
    )
    log.info("webhook mode: serving on port %s", settings.port)
    try:
        yield
    finally:
        server.stop()  # no new updates
        if not await in_hand.finished(SHUTDOWN_GRACE_SECONDS):
            log.warning("stopping with %d updates still in hand (Telegram will resend them)",
                        in_hand.count)
        await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()
        await server.close_all_connections()


def run_webhook(settings: Settings) -> int:
    """Serve until SIGTERM or SIGINT, then shut down gracefully."""
    from bot.channels.telegram import build_application

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        application = build_application(settings)
        async with serving(application, settings):
            await stop.wait()
            log.info("stopping: finishing the updates in hand")

    asyncio.run(main())
    return 0
