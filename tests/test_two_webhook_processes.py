"""Two real bot processes on one PostgreSQL database, behind a load balancer, in webhook mode.

As deployed: the Bot API double (Telegram) posts every update to one URL; a small load
balancer in front of two `recovery-bot run --webhook` processes sends each post to either at
random, and one post in eight to both at once (what Telegram resending an update looks like
while the first post is still in hand). 300 people onboard at the same time, each sending
their name and their reason back to back without waiting for an answer. Then everyone's
check-in falls due and both processes' schedulers race for the nudges. Last, three people
ask for a coach, and for each a pair of coaches press Claim at the same moment, one
through each process.

What must hold: every person's answers land in their own profile in the order they typed
them, every message is answered exactly once, every check-in goes out exactly once, each
claim has exactly one winner, and both processes stop cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.devtools import FakeTelegram, FakeUser
from bot.handoff.coaches import create_invite
from bot.storage.crypto import pseudonymise, reveal
from bot.storage.db import Database
from bot.web import SECRET_HEADER

pytestmark = pytest.mark.serial  # several bot processes: alone, after the parallel run

PEOPLE = 300
SECRET = "two-processes-webhook-secret"
BOTH_AT_ONCE = 1 / 8
COACH_PAIRS = 3


def sender_of(update: dict[str, Any]) -> int | None:
    """The user id behind a message or a button press."""
    body = update.get("message") or update.get("callback_query") or {}
    return (body.get("from") or {}).get("id")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoadBalancer:
    """Sends each webhook post to one backend at random, or now and then to both at once."""

    def __init__(self, backends: list[str], rng: random.Random) -> None:
        self.backends = backends
        self.rng = rng
        self.pinned: dict[int, int] = {}  # Telegram user id -> the backend they always reach
        self.posts = [0] * len(backends)
        self.doubled = 0
        self.port = 0
        self._http: aiohttp.ClientSession | None = None

    async def forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
                   "Content-Type": "application/json"}
        sender = sender_of(json.loads(body))
        if sender in self.pinned:
            chosen = [self.pinned[sender]]
        elif self.rng.random() < BOTH_AT_ONCE:
            chosen = list(range(len(self.backends)))
            self.doubled += 1
        else:
            chosen = [self.rng.randrange(len(self.backends))]

        async def post(index: int) -> int:
            self.posts[index] += 1
            async with self._http.post(self.backends[index] + request.path, data=body,
                                       headers=headers) as response:
                return response.status

        statuses = await asyncio.gather(*(post(i) for i in chosen), return_exceptions=True)
        ok = [s for s in statuses if isinstance(s, int) and 200 <= s < 300]
        return web.Response(status=200 if ok else 502)

    async def start(self) -> web.AppRunner:
        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
        app = web.Application()
        app.router.add_post("/{path:.*}", self.forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.port = runner.addresses[0][1]
        return runner

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as telegram:
        yield telegram


async def start_bot(env: dict[str, str], port: int, log: Path) -> asyncio.subprocess.Process:
    with log.open("wb") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--webhook",
            env={**env, "PORT": str(port), "METRICS_PORT": "0"}, stderr=stderr, stdout=stderr,
        )


async def wait_healthy(http: aiohttp.ClientSession, url: str,
                       process: asyncio.subprocess.Process, log: Path) -> None:
    async with asyncio.timeout(90):
        while True:
            assert process.returncode is None, log.read_text()[-5000:]
            try:
                async with http.get(url + "/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)


async def join_as_coach(fake: FakeTelegram, database: Database, user_id: int) -> FakeUser:
    async with database.session() as session:
        code = await create_invite(session, datetime.now(UTC), 1)
    coach = fake.user(user_id, first_name=f"Coach{user_id}")
    for said in (f"/coach_join {code}", f"Coach {user_id}", "/duty on"):
        await coach.send(said)
        await coach.wait_reply(timeout=60)
    return coach


async def coaches_race_for_claims(fake: FakeTelegram, database: Database,
                                  balancer: LoadBalancer, people: list[FakeUser]) -> None:
    """For each person asking for a coach, two coaches (one per process) claim at once."""
    pairs = []
    for n in range(len(people)):
        pair = [await join_as_coach(fake, database, 800_000 + 10 * n + side) for side in (0, 1)]
        for side, coach in enumerate(pair):
            balancer.pinned[coach.id] = side
        pairs.append(pair)
    for person, pair in zip(people, pairs, strict=True):
        person.mark_seen()
        await person.send("/coach")
        await person.wait_reply(timeout=60)
        await person.press_label("Yes, they can see it")
        await person.wait_reply(timeout=60)
        for coach in pair:
            coach.mark_seen()
        alerts = [await coach.wait_reply(timeout=60) for coach in pair]
        number = re.search(r"#(\d+) would like", alerts[0][-1].text)
        assert number is not None, alerts
        await asyncio.gather(*(coach.press_label("Claim") for coach in pair))
        answers = sorted([(await coach.wait_reply(timeout=60))[-1].text for coach in pair])
        assert answers[0].startswith(f"#{number[1]} was just claimed by another coach"), answers
        assert answers[1].startswith(f"You're talking with #{number[1]} now"), answers
        [here] = await person.wait_reply(timeout=60)
        assert "a coach, is here now" in here.text
    # Both processes' handoff ticks ran: still, each coach was alerted once per person.
    for pair in pairs:
        for coach in pair:
            alerted = re.findall(r"#(\d+) would like", " ".join(m.text for m in coach.messages))
            assert len(alerted) == len(set(alerted)), alerted
    async with database.session() as session:
        claimed = (await session.execute(text(
            "SELECT count(*), count(DISTINCT coach_id) FROM handoffs WHERE status = 'claimed'"
        ))).one()
    assert tuple(claimed) == (len(people), len(people))


async def onboard(user: FakeUser, n: int) -> None:
    """Onboarding through Telegram; the name and the reason are sent without waiting."""
    await user.send("/start")
    await user.wait_reply(timeout=60)
    await user.press_label("That's okay with me")
    await user.wait_reply(timeout=60)
    await user.send(f"Person {n}")
    await user.send(f"Reason number {n}")
    await user.wait_reply(timeout=60, count=2)
    await user.press_label("Cutting down")
    await user.wait_reply(timeout=60)
    await user.press_label("United Kingdom")
    await user.wait_reply(timeout=60)
    await user.send(f"{7 + n % 3}pm")
    await user.wait_reply(timeout=60)


# Several processes share one database on PostgreSQL; SQLite is the one-process default.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_webhook_processes_on_one_database(
    backend: str, database: Database, database_url: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    # The key the test's database was set up with: its pseudonym key is stored under it.
    key = (tmp_path / "data" / "encryption.key").read_bytes().strip()
    ports = [free_port(), free_port()]
    backends = [f"http://127.0.0.1:{port}" for port in ports]
    balancer = LoadBalancer(backends, random.Random(11))
    runner = await balancer.start()
    env = {**os.environ,
           "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url,
           "TELEGRAM_RATE_LIMITER": "false", "DATABASE_URL": database_url,
           "DATABASE_SCHEMA": database.schema or "", "ENCRYPTION_KEYS": key.decode(),
           "WEBHOOK_URL": f"http://127.0.0.1:{balancer.port}/telegram",
           "WEBHOOK_SECRET": SECRET, "WEBHOOK_LISTEN": "127.0.0.1",
           "SCHEDULER_TICK_SECONDS": "1", "DATA_DIR": str(tmp_path / "data")}
    for name in ("RETENTION_DAYS", "COACHES_CHAT_ID", "COACHING_HOURS"):
        env.pop(name, None)
    logs = [tmp_path / "bot-a.log", tmp_path / "bot-b.log"]
    processes = [await start_bot(env, port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        async with aiohttp.ClientSession() as http:
            for url, process, log in zip(backends, processes, logs, strict=True):
                await wait_healthy(http, url, process, log)
        await fake.wait_for_call("setWebhook", timeout=60, count=2)

        users = [fake.user(900_000 + n, first_name=f"TG{n}") for n in range(PEOPLE)]
        await asyncio.gather(*(onboard(user, n) for n, user in enumerate(users)))

        # Every message answered once: everyone saw the same number of messages.
        counts = {len(user.messages) for user in users}
        assert len(counts) == 1, counts
        answered = counts.pop()
        assert balancer.doubled > 0 and min(balancer.posts) > 0  # both worked, some twice

        # Order: the name is heard (and used) before the question after the reason; the rows
        # below show each answer stored where it belongs.
        for n, user in enumerate(users):
            texts = [m.text for m in user.messages]
            name_at = [i for i, t in enumerate(texts) if f"Person {n}." in t]
            reason_at = [i for i, t in enumerate(texts) if "closest to where you are" in t]
            assert name_at and reason_at and name_at[0] < reason_at[0], texts
        cipher = Fernet(key)
        async with database.session() as session:
            rows = (await session.execute(text(
                "SELECT user_key, preferred_name, reason, checkin_time FROM people"
            ))).all()
        assert len(rows) == PEOPLE
        for user_key, name, reason, checkin in rows:
            n = int(reveal(user_key).removeprefix("telegram:")) - 900_000
            assert cipher.decrypt(name.encode()).decode() == f"Person {n}"
            assert cipher.decrypt(reason.encode()).decode() == f"Reason number {n}"
            assert checkin == f"{19 + n % 3}:00"

        # Everyone's check-in falls due now; both schedulers race for them.
        async with database.session() as session:
            due = await session.execute(text(
                "UPDATE nudges SET due_at = CURRENT_TIMESTAMP - INTERVAL '1 minute' "
                "WHERE kind = :kind"), {"kind": pseudonymise("checkin")})
        assert due.rowcount == PEOPLE  # type: ignore[attr-defined]
        async with asyncio.timeout(60):
            while any(len(user.messages) == answered for user in users):
                await asyncio.sleep(0.2)
        await asyncio.sleep(3)  # three more ticks of each scheduler: nothing more goes out
        for user in users:
            [nudge] = user.messages[answered:]
            assert "it's check-in time" in nudge.text and nudge.buttons

        await coaches_race_for_claims(fake, database, balancer, users[:COACH_PAIRS])
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(process.wait(), 60) for process in processes]
        await balancer.close()
        await runner.cleanup()
    for code, log in zip(codes, logs, strict=True):
        output = log.read_text()
        problems = "\n".join(line for line in output.splitlines() if " INFO " not in line)
        assert code == 0, problems[-5000:]
        assert "Traceback" not in output, problems[-5000:]
