"""Bot API methods about the bot itself: identity, updates, webhook, commands, chats, files.

Message methods are in :mod:`bot.devtools._messages`; both register in
:data:`bot.devtools._api.METHODS`.
"""

from __future__ import annotations

import json
import re

from bot.devtools._api import METHODS, Api, Handler, method
from bot.devtools._errors import bad_request
from bot.devtools._objects import JSON
from bot.devtools._params import Params
from bot.devtools._updates import Webhook

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@method("getMe")
async def get_me(api: Api, p: Params) -> JSON:
    """Returns the bot's own User."""
    return api.world.bot


@method("getUpdates")
async def get_updates(api: Api, p: Params) -> list[JSON]:
    """Confirms updates below ``offset`` and long-polls for the next ones."""
    try:
        timeout = float(p.get("timeout") or 0)
    except (TypeError, ValueError):
        raise bad_request("invalid timeout specified") from None
    return await api.updates.get_updates(
        offset=p.integer("offset", 0) or 0,
        limit=p.integer("limit", 100) or 100,
        timeout=timeout,
        allowed_updates=p.get("allowed_updates"),
    )


@method("setWebhook")
async def set_webhook(api: Api, p: Params) -> bool:
    """Registers a webhook (any http/https URL: this double runs on localhost)."""
    url = str(p.get("url") or "")
    if not url:
        await api.updates.delete_webhook(bool(p.get("drop_pending_updates")))
        return True
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    max_connections = p.integer("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    webhook = Webhook(url=url, secret_token=secret, max_connections=max_connections)
    await api.updates.set_webhook(
        webhook, p.get("allowed_updates"), bool(p.get("drop_pending_updates"))
    )
    return True


@method("deleteWebhook")
async def delete_webhook(api: Api, p: Params) -> bool:
    """Removes the webhook; updates go back to ``getUpdates``."""
    await api.updates.delete_webhook(bool(p.get("drop_pending_updates")))
    return True


@method("getWebhookInfo")
async def get_webhook_info(api: Api, p: Params) -> JSON:
    """Returns the WebhookInfo."""
    return api.updates.webhook_info()


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


@method("setMyCommands")
async def set_my_commands(api: Api, p: Params) -> bool:
    """Stores the command list for a scope and language."""
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        name = str(command.get("command", "")).removeprefix("/")
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be 1-256 characters")
    api.world.commands[_commands_key(p)] = commands
    return True


@method("getMyCommands")
async def get_my_commands(api: Api, p: Params) -> list[JSON]:
    """Returns the command list for a scope and language."""
    return api.world.commands.get(_commands_key(p), [])


@method("deleteMyCommands")
async def delete_my_commands(api: Api, p: Params) -> bool:
    """Deletes the command list for a scope and language."""
    api.world.commands.pop(_commands_key(p), None)
    return True


@method("getChat")
async def get_chat(api: Api, p: Params) -> JSON:
    """Returns the ChatFullInfo of a known chat."""
    chat = api.world.chat(p.chat_id())
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


@method("getFile")
async def get_file(api: Api, p: Params) -> JSON:
    """Returns a File whose ``file_path`` downloads from the file URL."""
    blob = api.world.files.get(str(p.require("file_id")))
    if blob is None:
        raise bad_request("invalid file_id")
    return blob.file_json()


def _store_setting(name: str) -> Handler:
    async def store(api: Api, p: Params) -> bool:
        api.world.settings[name] = dict(p.values)
        return True

    store.__doc__ = f"Accepts ``{name}``; the last value is kept in ``World.settings``."
    return store


for _name in ("setMyDescription", "setMyShortDescription", "setMyName", "setChatMenuButton"):
    METHODS[_name.lower()] = _store_setting(_name)


@method("close", "logOut")
async def close(api: Api, p: Params) -> bool:
    """Accepts ``close`` and ``logOut`` (nothing to release here)."""
    return True
