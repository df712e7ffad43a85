"""Delivering updates to the bot: ``getUpdates`` long polling, or POSTs to a webhook.

Updates wait in :class:`UpdateQueue` until the bot confirms them (a ``getUpdates`` with a higher
``offset``) or, when a webhook is set, until the webhook answers 2xx. As on Telegram, the two
modes exclude each other: ``getUpdates`` answers 409 Conflict while a webhook is set.

Webhook delivery follows Telegram's Bot API server (its ``WebhookActor``): updates wait in one
queue per chat, up to ``max_connections`` chats are in flight at once, and a chat's next
update is posted only after the webhook answered 2xx to the one before. A failed post is
retried after a growing delay, so the same update can arrive more than once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from dataclasses import dataclass

import aiohttp

from bot.devtools._errors import ApiError
from bot.devtools._objects import JSON, update_kind

#: Update kinds Telegram leaves out unless asked for by name in ``allowed_updates``.
OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
#: Longest long poll Telegram honours, in seconds.
MAX_POLL_TIMEOUT = 50
#: Retry back-off for a failing webhook, in seconds (short: this is a test double).
WEBHOOK_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass
class Webhook:
    """A webhook registered by ``setWebhook``."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateQueue:
    """Pending updates and their delivery by long polling or webhook."""

    def __init__(self) -> None:
        self._pending: list[JSON] = []
        self._last_update_id = 0
        self._allowed: frozenset[str] | None = None
        self._wakeup = asyncio.Event()
        self._poll_generation = 0
        self._closed = False
        self.webhook: Webhook | None = None
        # Per-chat queues (the head of each is sent or in flight) and the chats ready to send.
        self._chat_queues: dict[object, deque[JSON]] = {}
        self._ready: asyncio.Queue[object] = asyncio.Queue()
        self._answers_to_lose = 0
        self._workers: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    def push(self, update: JSON) -> JSON:
        """Numbers an update and queues it for delivery; returns it with its ``update_id``."""
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, **update}
        if not self._is_allowed(update):
            return update
        if self.webhook is not None:
            self._queue_for_webhook(update)
        else:
            self._pending.append(update)
            self._wake()
        return update

    @property
    def pending_count(self) -> int:
        """Updates not yet confirmed (polling) or not yet delivered (webhook)."""
        return len(self._pending) + sum(len(q) for q in self._chat_queues.values())

    def lose_webhook_answers(self, count: int = 1) -> None:
        """Treats the webhook's next ``count`` 2xx answers as lost on the way back.

        The bot handled the update but Telegram never heard so (a timeout, a dropped
        connection), so the same update is posted again, as Telegram does.
        """
        self._answers_to_lose += count

    def _queue_for_webhook(self, update: JSON) -> None:
        key = _queue_key(update)
        queue = self._chat_queues.setdefault(key, deque())
        queue.append(update)
        if len(queue) == 1:
            self._ready.put_nowait(key)

    def _is_allowed(self, update: JSON) -> bool:
        kind = update_kind(update)
        if self._allowed is None:
            return kind not in OPT_IN_KINDS
        return kind in self._allowed

    def _set_allowed(self, allowed_updates: list[str] | None) -> None:
        # Telegram keeps the last list given; an empty list means "the default set".
        if allowed_updates is not None:
            self._allowed = frozenset(allowed_updates) or None

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    async def get_updates(
        self, offset: int, limit: int, timeout: float, allowed_updates: list[str] | None
    ) -> list[JSON]:
        """Confirms updates below ``offset`` and returns the next ones, long polling if none.

        Raises:
            ApiError: 409 while a webhook is set, or when a newer ``getUpdates`` takes over.
        """
        if self.webhook is not None:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        self._set_allowed(allowed_updates)
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # an older long poll ends with 409, as on Telegram
        deadline = time.monotonic() + min(max(timeout, 0), MAX_POLL_TIMEOUT)
        while True:
            ready = [u for u in self._pending if self._is_allowed(u)][: max(1, min(limit, 100))]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._closed:
                return ready
            wakeup = self._wakeup
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)
            if generation != self._poll_generation:
                raise ApiError(409)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    async def set_webhook(
        self,
        webhook: Webhook,
        allowed_updates: list[str] | None,
        drop_pending_updates: bool,
    ) -> None:
        """Starts delivering updates (pending ones first) to ``webhook``."""
        await self.delete_webhook(drop_pending_updates)
        self._set_allowed(allowed_updates)
        self.webhook = webhook
        self._wake()  # a long poll in progress ends now
        for update in self._pending:
            self._queue_for_webhook(update)
        self._pending = []
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=webhook.max_connections)
        )
        self._workers = [
            asyncio.create_task(self._deliver_forever(webhook))
            for _ in range(webhook.max_connections)
        ]

    async def delete_webhook(self, drop_pending_updates: bool) -> None:
        """Stops webhook delivery; undelivered updates go back to ``getUpdates``."""
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        if self._session is not None:
            await self._session.close()
            self._session = None
        undelivered = [update for queue in self._chat_queues.values() for update in queue]
        self._chat_queues.clear()
        self._ready = asyncio.Queue()
        self._pending = sorted(self._pending + undelivered, key=lambda u: int(u["update_id"]))
        if drop_pending_updates:
            self._pending = []
        self.webhook = None

    async def _deliver_forever(self, webhook: Webhook) -> None:
        while True:
            key = await self._ready.get()
            queue = self._chat_queues[key]
            await self._deliver(webhook, queue[0])
            queue.popleft()
            if queue:
                self._ready.put_nowait(key)
            else:
                del self._chat_queues[key]

    async def _deliver(self, webhook: Webhook, update: JSON) -> None:
        """POSTs one update until the webhook accepts it, noting errors as Telegram does."""
        assert self._session is not None
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        for attempt in itertools.count():
            try:
                async with self._session.post(
                    webhook.url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(60)
                ) as response:
                    if 200 <= response.status < 300 and self._answers_to_lose > 0:
                        self._answers_to_lose -= 1
                        error = "Connection failed: the answer was lost"
                    elif 200 <= response.status < 300:
                        return
                    else:
                            error = ("Wrong response from the webhook: "
                                     f"{response.status} {response.reason}")
            except (TimeoutError, aiohttp.ClientError) as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            webhook.last_error_date = int(time.time())
            webhook.last_error_message = error
            await asyncio.sleep(WEBHOOK_RETRY_DELAYS[min(attempt, len(WEBHOOK_RETRY_DELAYS) - 1)])

    def webhook_info(self) -> JSON:
        """Returns the Bot API ``WebhookInfo``."""
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": self.pending_count,
        }
        if self.webhook is not None:
            info["url"] = self.webhook.url
            info["max_connections"] = self.webhook.max_connections
            if self._allowed is not None:
                info["allowed_updates"] = sorted(self._allowed)
            if self.webhook.last_error_date is not None:
                info["last_error_date"] = self.webhook.last_error_date
                info["last_error_message"] = self.webhook.last_error_message
        return info

    async def close(self) -> None:
        """Ends long polls in progress and stops webhook delivery."""
        self._closed = True
        self._wake()
        await self.delete_webhook(drop_pending_updates=False)


def _queue_key(update: JSON) -> object:
    """The queue an update waits in: its chat's (as Telegram does), or one of its own."""
    body = update.get(update_kind(update))
    if isinstance(body, dict):
        chat = body.get("chat") or (body.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        sender = body.get("from") or body.get("user")
        if isinstance(sender, dict) and "id" in sender:
            return ("user", sender["id"])
    return ("update", update["update_id"])
