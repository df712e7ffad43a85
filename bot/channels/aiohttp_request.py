"""python-telegram-bot's HTTP requests over aiohttp instead of httpx (its `BaseRequest`).

httpx (with httpcore, h11 and anyio) spent about a third of the bot's CPU under load, more
than the bot's own work per message; aiohttp's C parser does the same calls for much less.

    ApplicationBuilder().request(AiohttpRequest(256)).get_updates_request(AiohttpRequest(1))
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

#: PTB's "not given" marker type (a `DefaultValue`), found without importing a private module.
_NOT_GIVEN = type(BaseRequest.DEFAULT_NONE)
# HTTPXRequest's defaults, in seconds.
CONNECT_TIMEOUT = READ_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with a pool of `connection_pool_size`.

    Timeouts as HTTPXRequest's, except that aiohttp has no write timeout.
    """

    def __init__(self, connection_pool_size: int = 1) -> None:
        self._pool_size = connection_pool_size
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None | Any = BaseRequest.DEFAULT_NONE,
        write_timeout: float | None | Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | None | Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | None | Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`: (HTTP status, body); TimedOut or NetworkError."""
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        data: Any = fields
        if files:
            data = aiohttp.FormData(fields or {})
            for name, (filename, content, mimetype) in files.items():
                data.add_field(name, content, filename=filename, content_type=mimetype)
        connect = _given(connect_timeout, CONNECT_TIMEOUT)
        pool = _given(pool_timeout, POOL_TIMEOUT)
        timeout = aiohttp.ClientTimeout(
            sock_read=_given(read_timeout, READ_TIMEOUT),
            sock_connect=connect,
            # aiohttp's connect timeout includes waiting for a free pooled connection.
            connect=None if connect is None or pool is None else connect + pool,
        )
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as res:
                return res.status, await res.read()
        except asyncio.TimeoutError as err:  # aiohttp's timeouts are asyncio.TimeoutError too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # The type only: some aiohttp messages quote the URL, which holds the bot's token.
            raise NetworkError(f"aiohttp.{err.__class__.__name__}") from err


def _given(value: float | None | Any, default: float) -> float | None:
    """The timeout a call asked for (None: no limit), or ours when it left it to us."""
    return default if isinstance(value, _NOT_GIVEN) else value
