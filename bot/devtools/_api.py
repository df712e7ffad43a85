"""The registry of Bot API method handlers, and what they act on.

Each handler takes the shared :class:`Api` state and the call's :class:`Params` and returns the
``result`` Telegram would answer with, or raises :class:`ApiError` with Telegram's own error
text. :data:`METHODS` maps lower-cased method names to handlers (Telegram ignores case); the
handlers live in :mod:`bot.devtools._methods` (bot, updates, settings) and
:mod:`bot.devtools._messages` (sending and editing messages).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.devtools._errors import BLOCKED_DESCRIPTION, ApiError
from bot.devtools._objects import JSON
from bot.devtools._params import Params
from bot.devtools._updates import UpdateQueue
from bot.devtools._world import World


@dataclass
class Api:
    """What the method handlers act on."""

    world: World
    updates: UpdateQueue


Handler = Callable[[Api, Params], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(*names: str) -> Callable[[Handler], Handler]:
    """Registers a handler under one or more Bot API method names."""

    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = handler
        return handler

    return register


def target_chat(api: Api, p: Params) -> JSON:
    """Returns the chat a call writes to: 403 if the user blocked the bot, 400 if unknown."""
    chat_id = p.chat_id()
    if chat_id in api.world.blocked:
        raise ApiError(403, BLOCKED_DESCRIPTION)
    return api.world.chat(chat_id)
