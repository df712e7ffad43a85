"""Webhook mode: one small HTTP server for Telegram's webhook, `/healthz` and `/metrics`.

    WEBHOOK_URL=https://bot.example.org/telegram WEBHOOK_SECRET=... PORT=8080 \\
        recovery-bot run --webhook

PTB's own webhook server serves only the webhook path, so this is PTB's "custom webhook
bot" pattern on Tornado (which PTB's webhooks extra already installs): the webhook path
checks Telegram's secret header and has the Application handle the update.

* POST <path of WEBHOOK_URL>: 403 without the right `X-Telegram-Bot-Api-Secret-Token`
  (checked from the headers, before any of the body is read); 413 for a body over
  MAX_BODY_BYTES; 400 for anything that is not an update object; 200 once the update has
  been handled (its replies sent).
* GET /healthz: 200 when the database answers a query, else 503.
* GET /metrics, on its own server (METRICS_PORT, bound to METRICS_LISTEN: localhost unless
  configured otherwise): Prometheus text (bot.metrics), counts and timings, never ids or
  text; the crisis counts by category are nobody's business on the public port.

Hostile traffic: bodies are capped (MAX_BODY_BYTES), slow bodies and idle connections time
out (BODY_TIMEOUT_SECONDS, IDLE_TIMEOUT_SECONDS), and at most MAX_CONNECTIONS are open at
once (more are closed on arrival), so a flood of large or half-open posts costs little
memory and no one's updates.

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
from tornado.web import RequestHandler, stream_request_body

from bot import metrics
from bot.config import Settings
from bot.errors import where_it_failed

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
DEFAULT_PATH = "/telegram"
#: How long a stopping process waits for the updates in hand (hosts send SIGKILL after ~30 s).
SHUTDOWN_GRACE_SECONDS = 20.0
#: Telegram's updates are a few KB; a message with a long text and entities stays far under.
MAX_BODY_BYTES = 1024 * 1024
DRAIN_BYTES = 64 * 1024  # a refused body up to this size is read (and dropped), not cut off
BODY_TIMEOUT_SECONDS = 10.0
IDLE_TIMEOUT_SECONDS = 30.0
MAX_CONNECTIONS = 200  # Telegram opens at most 100 (set_webhook's max_connections)


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


@stream_request_body
class WebhookHandler(_Base):
    """Telegram's POSTs: check the secret (before the body), then handle the update."""

    def prepare(self) -> None:
        """Runs on the headers alone: a post without the secret, or announcing a body over
        the cap, is refused before its body is read (a large one is never read at all)."""
        self._body = bytearray()
        self._refused: int | None = None
        given = self.request.headers.get(SECRET_HEADER, "")
        expected = self.bot_settings.webhook_secret or ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("refused a webhook post without the right secret")
            self._refuse(403)
        elif int(self.request.headers.get("Content-Length") or 0) > MAX_BODY_BYTES:
            self._refuse(413)

    def data_received(self, chunk: bytes) -> None:
        if self._refused is not None:
            return  # dropped
        self._body.extend(chunk)
        if len(self._body) > MAX_BODY_BYTES:
            self._refuse(413)

    def _refuse(self, status: int) -> None:
        self._refused = status
        self._body = bytearray()
        if int(self.request.headers.get("Content-Length") or MAX_BODY_BYTES) > DRAIN_BYTES:
            # Answered now; Tornado then closes the connection without reading the rest.
            self.set_status(status)
            self.finish()

    async def post(self) -> None:
        if self._refused is not None:
            self.set_status(self._refused)  # a small refused body, read and dropped
            return
        try:
            data = json.loads(bytes(self._body))
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update object")
            update = Update.de_json(data, self.ptb.bot)
        except Exception as exc:  # noqa: BLE001 - whatever it is, it is not an update
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
    """The Tornado app on the public port: the webhook path and /healthz."""
    args = {"ptb": application, "settings": settings, "in_hand": in_hand}
    return TornadoApp([
        (re.escape(webhook_path(settings)), WebhookHandler, args),
        (r"/healthz", HealthHandler, args),
    ])


def metrics_app(
    application: Application, settings: Settings, in_hand: InHand  # type: ignore[type-arg]
) -> TornadoApp:
    """The Tornado app on the metrics port (localhost by default): /metrics."""
    args = {"ptb": application, "settings": settings, "in_hand": in_hand}
    return TornadoApp([(r"/metrics", MetricsHandler, args)])


class LimitedHTTPServer(HTTPServer):  # type: ignore[misc]
    """Tornado's server with a cap on open connections: one past it is closed on arrival."""

    def handle_stream(self, stream: Any, address: Any) -> None:  # noqa: ANN401
        if len(self._connections) >= MAX_CONNECTIONS:
            stream.close()
            return
        super().handle_stream(stream, address)


def _server(app: TornadoApp) -> HTTPServer:
    return LimitedHTTPServer(app, xheaders=True, max_body_size=MAX_BODY_BYTES,
                             body_timeout=BODY_TIMEOUT_SECONDS,
                             idle_connection_timeout=IDLE_TIMEOUT_SECONDS)


@asynccontextmanager
async def serving(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    sockets: list[socket.socket] | None = None,
    metrics_sockets: list[socket.socket] | None = None,
) -> AsyncIterator[None]:
    """Run `application` in webhook mode (start-up and shutdown hooks as with polling).

    `sockets` and `metrics_sockets` let a caller bind first (tests use port 0); else PORT
    on WEBHOOK_LISTEN, and METRICS_PORT (unless 0) on METRICS_LISTEN.
    """
    problem = webhook_problem(settings)
    if problem:
        raise ValueError(problem)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    in_hand = InHand()
    server = _server(web_app(application, settings, in_hand))
    server.add_sockets(sockets or bind_sockets(settings.port, settings.webhook_listen))
    servers = [server]
    if metrics_sockets or settings.metrics_port:
        metrics_server = _server(metrics_app(application, settings, in_hand))
        metrics_server.add_sockets(metrics_sockets or bind_sockets(settings.metrics_port,
                                                                   settings.metrics_listen))
        servers.append(metrics_server)
    await application.bot.set_webhook(
        url=settings.webhook_url or "", secret_token=settings.webhook_secret,
        allowed_updates=Update.ALL_TYPES,
    )
    log.info("webhook mode: serving on port %s", settings.port)
    try:
        yield
    finally:
        for each in servers:
            each.stop()  # no new updates
        if not await in_hand.finished(SHUTDOWN_GRACE_SECONDS):
            log.warning("stopping with %d updates still in hand (Telegram will resend them)",
                        in_hand.count)
        await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()
        for each in servers:
            await each.close_all_connections()


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
