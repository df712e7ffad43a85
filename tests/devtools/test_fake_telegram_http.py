"""The double's Bot API over plain HTTP: encodings, error shapes and getUpdates semantics."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.devtools import FakeTelegram


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, fake: FakeTelegram, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    """POSTs a JSON-bodied Bot API call; returns the status and the decoded body."""
    async with http.post(f"{fake.base_url}{fake.token}/{method}", json=params) as response:
        return response.status, await response.json()


async def test_every_encoding_is_understood(
    fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    fake.user(7)
    url = f"{fake.base_url}{fake.token}"
    async with http.get(f"{url}/getMe") as response:
        assert (await response.json())["result"]["is_bot"] is True
    markup = json.dumps({"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]})
    form = {"chat_id": "7", "text": "form", "reply_markup": markup}
    async with http.post(f"{url}/sendMessage", data=form) as response:
        assert response.status == 200
    async with http.post(f"{url}/sendMessage", params={"chat_id": "7", "text": "query"}):
        pass
    status, body = await call(http, fake, "sendMessage", chat_id=7, text="json")
    assert status == 200 and body["result"]["chat"] == {
        "id": 7,
        "type": "private",
        "first_name": "Test",
    }
    assert [(s.text, s.buttons) for s in fake.sent] == [
        ("form", [[("Go", "go")]]),
        ("query", []),
        ("json", []),
    ]
    assert fake.calls[1] == (
        "sendMessage",
        {"chat_id": 7, "text": "form", "reply_markup": json.loads(markup)},
    )


async def test_multipart_upload_keeps_bytes_name_and_type(
    fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    fake.user(7)
    form = aiohttp.FormData()
    form.add_field("chat_id", "7")
    form.add_field("photo", b"\x89PNG...", filename="mood.png", content_type="image/png")
    async with http.post(f"{fake.base_url}{fake.token}/sendPhoto", data=form) as response:
        photo = (await response.json())["result"]["photo"]
    [sent] = fake.sent
    assert sent.photo is not None
    assert (sent.photo.data, sent.photo.filename, sent.photo.mime_type) == (
        b"\x89PNG...",
        "mood.png",
        "image/png",
    )
    _status, body = await call(http, fake, "getFile", file_id=photo[0]["file_id"])
    async with http.get(
        f"{fake.base_file_url}{fake.token}/{body['result']['file_path']}"
    ) as response:
        assert await response.read() == b"\x89PNG..."


async def test_error_shapes(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{fake.base_url}999:wrong/getMe") as response:
        assert (response.status, await response.json()) == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
    assert await call(http, fake, "sendTelepathy") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    fake.fail_next("*", status=429, retry_after=3)
    assert await call(http, fake, "getMe") == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    status, body = await call(http, fake, "sendMessage", chat_id=1, text="")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_get_updates_offset_limit_and_confirmation(
    fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    user = fake.user(1)
    for text in ("a", "b", "c"):
        await user.send(text)
    _, body = await call(http, fake, "getUpdates", limit=2)
    first, second = body["result"]
    assert [first["message"]["text"], second["message"]["text"]] == ["a", "b"]
    _, body = await call(http, fake, "getUpdates", offset=second["update_id"] + 1)
    assert [u["message"]["text"] for u in body["result"]] == ["c"]
    _, body = await call(http, fake, "getUpdates")  # "a" and "b" were confirmed and dropped
    assert [u["message"]["text"] for u in body["result"]] == ["c"]
    assert fake.updates.pending_count == 1


async def test_get_updates_long_polls(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    started = time.monotonic()
    _, body = await call(http, fake, "getUpdates", timeout=0.3)
    assert body["result"] == [] and time.monotonic() - started >= 0.25
    poll = asyncio.create_task(call(http, fake, "getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    await fake.user(1).send("/start")
    _, body = await asyncio.wait_for(poll, 1)
    [update] = body["result"]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_allowed_updates_filter(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    user = fake.user(1)
    await call(
        http,
        fake,
        "sendMessage",
        chat_id=1,
        text="q",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    await user.press("a")
    await user.send("text")
    _, body = await call(http, fake, "getUpdates", allowed_updates=["callback_query"])
    assert [list(u)[1] for u in body["result"]] == ["callback_query"]


async def test_a_newer_get_updates_ends_the_older_with_409(
    fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    older = asyncio.create_task(call(http, fake, "getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    await call(http, fake, "getUpdates", timeout=0)
    status, body = await asyncio.wait_for(older, 1)
    assert (status, body["error_code"]) == (409, 409)
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
