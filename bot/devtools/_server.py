"""The Bot API double's server: :class:`FakeTelegram` (see :mod:`bot.devtools.fake_telegram`)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter, deque
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.devtools import _messages, _methods  # noqa: F401  (they register the methods)
from bot.devtools._api import METHODS, Api
from bot.devtools._errors import ApiError
from bot.devtools._objects import JSON, SentMessage, chat_json, user_json
from bot.devtools._params import Params, read_params
from bot.devtools._updates import UpdateQueue
from bot.devtools._users import FakeUser
from bot.devtools._world import World

DEFAULT_TOKEN = "123:fake"
DEFAULT_HOST = "127.0.0.1"
#: Telegram accepts uploads up to 50 MB.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ANY_METHOD = "*"
_LOGGER = logging.getLogger(__name__)


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None


class FakeTelegram:
    """An in-process Telegram Bot API server for one bot.

    Args:
        token: The bot token it accepts; other tokens get 401 Unauthorized.
        host: Interface to bind.
        port: Port to bind; 0 picks a free one (read :attr:`port` after :meth:`start`).
        bot_username: The bot's username in ``getMe``.

    Attributes:
        token: The accepted token.
        calls: Every Bot API call received, in order, as ``(method, params)``.
        world: The simulated Telegram state (chats, messages, files, commands, answers).
        updates: The pending updates and their delivery (long polling or webhook).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        bot_username: str = "fake_test_bot",
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123
        self.world = World(bot_id, bot_username)
        self.calls: list[tuple[str, JSON]] = []
        self._call_counts: Counter[str] = Counter()
        self._last_call: dict[str, JSON] = {}
        self._users: dict[tuple[int, int], FakeUser] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._call_event = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.updates = UpdateQueue()
        self._api = Api(self.world, self.updates)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Starts serving on :attr:`host`:\\ :attr:`port`."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_call)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Ends long polls and delays in progress, stops webhook delivery and the server."""
        self._closing.set()
        await self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The ``base_url`` for PTB (``ApplicationBuilder().base_url(...)``)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The ``base_file_url`` for PTB."""
        return f"http://{self.host}:{self.port}/file/bot"

    # -- the people and what the bot sent ----------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        username: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> FakeUser:
        """Returns the simulated user ``user_id`` (the same object on every call).

        Args:
            user_id: Their Telegram user id.
            first_name: Their first name.
            username: Their username, if any.
            chat_type: ``private``, ``group`` or ``supergroup``.
            chat_id: The chat they write in; by default their private chat (= ``user_id``),
                ``-user_id`` for a group, ``-100…user_id`` for a supergroup.
        """
        if chat_id is None:
            chat_id = {"private": user_id, "group": -user_id}.get(
                chat_type, -1_000_000_000_000 - user_id
            )
        key = (user_id, chat_id)
        if key not in self._users:
            user = user_json(user_id, first_name, username)
            chat = self.world.chats.setdefault(chat_id, chat_json(chat_id, chat_type, user))
            self._users[key] = FakeUser(self.world, self.updates, user, chat)
        return self._users[key]

    @property
    def sent(self) -> list[SentMessage]:
        """Everything the bot sent or edited, in order."""
        return self.world.sent

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str = "",
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Makes the next ``count`` calls of ``method`` (or ``"*"``: any method) fail.

        Examples: ``status=429, retry_after=3`` (flood control), ``status=500`` or ``502``,
        ``status=403`` (description defaults to "Forbidden: bot was blocked by the user").
        """
        fault = _Fault(status, description, retry_after)
        self._faults.setdefault(method.lower(), deque()).extend([fault] * count)

    def lose_webhook_answers(self, count: int = 1) -> None:
        """The webhook's next ``count`` 2xx answers are lost: those updates are posted again."""
        self.updates.lose_webhook_answers(count)

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Holds the next ``count`` calls of ``method`` for ``seconds`` before answering.

        The call is then carried out, as a slow Telegram would: a client that timed out may
        find its message sent anyway.
        """
        self._delays.setdefault(method.lower(), deque()).extend([seconds] * count)

    def block_user(self, chat_id: int) -> None:
        """Makes sends to this chat answer 403 "Forbidden: bot was blocked by the user"."""
        self.world.blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        """Lets sends to this chat through again."""
        self.world.blocked.discard(chat_id)

    async def wait_for_call(self, method: str, timeout: float = 5.0, count: int = 1) -> JSON:
        """Waits until the bot has called ``method`` ``count`` times in all; returns the last.

        Raises:
            TimeoutError: It had not within ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            while self._call_counts[method.lower()] < count:
                await self._call_event.wait()
        return self._last_call[method.lower()]

    def _take(self, queues: dict[str, deque[Any]], method: str) -> Any:
        for key in (method.lower(), ANY_METHOD):
            queue = queues.get(key)
            if queue:
                return queue.popleft()
        return None

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_call(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _reply(ApiError(401).body(), 401)
        try:
            params = await read_params(request)
        except ApiError as error:
            return _reply(error.body(), error.status)
        self._record_call(method, params)
        delay = self._take(self._delays, method)
        if delay:
            try:
                await asyncio.wait_for(self._closing.wait(), delay)
            except TimeoutError:
                pass
        try:
            fault = self._take(self._faults, method)
            if fault is not None:
                raise ApiError(fault.status, fault.description, fault.retry_after)
            handler = METHODS.get(method.lower())
            if handler is None:
                raise ApiError(404)
            result = await handler(self._api, params)
        except ApiError as error:
            return _reply(error.body(), error.status)
        except Exception as error:  # a bug in the double: say so loudly, answer like Telegram
            _LOGGER.exception("the Bot API double failed on %s", method)
            return _reply(ApiError(500, f"Internal Server Error: {error!r}").body(), 500)
        return _reply({"ok": True, "result": result}, 200)

    def _record_call(self, method: str, params: Params) -> None:
        logged = dict(params.values)
        logged.update({name: blob for name, blob in params.files.items()})
        self.calls.append((method, logged))
        self._call_counts[method.lower()] += 1
        self._last_call[method.lower()] = logged
        self._call_event.set()
        self._call_event = asyncio.Event()

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _reply(ApiError(401).body(), 401)
        blob = self.world.files_by_path.get(request.match_info["path"])
        if blob is None:
            return _reply(ApiError(404).body(), 404)
        return web.Response(body=blob.data, content_type=blob.mime_type)


def _reply(body: JSON, status: int) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
