"""Fixtures for the Bot API double's tests: the double, and a real PTB Application on it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from bot.devtools import FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A started Bot API double, stopped after the test."""
    async with FakeTelegram() as double:
        yield double


@pytest.fixture
def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
