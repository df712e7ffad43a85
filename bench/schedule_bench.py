"""Schedule benchmark: how the durable nudge schedule scales, and a burst against the rate limit.

For 1,000 / 10,000 / 100,000 people with daily check-ins spread evenly over the day, each size
in its own process (so peak memory is that size's own), on SQLite and PostgreSQL:

* claim-query time (median of 20 runs of the SELECT that finds due rows) and its EXPLAIN plan;
* CPU seconds per dispatched nudge: the dispatcher ticks once a (simulated) minute from
  midnight until ``--due`` (500) check-ins have gone out, at every size; each one starts the
  check-in flow, is sent, and is rescheduled (empty ticks are counted too);
* peak RSS of the process.

Then a burst: 1,800 check-ins due in the same minute, sent through the real Telegram channel
with PTB's AIORateLimiter against the Bot API double (``bot/devtools/fake_telegram.py``).

Usage::

    .venv/bin/python bench/schedule_bench.py                  # everything (a few minutes)
    .venv/bin/python bench/schedule_bench.py --sizes 1000 10000 --backends sqlite --no-burst
    .venv/bin/python bench/schedule_bench.py --one 10000 --backend postgres   # one size, JSON
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from bot.app import RecoveryBot  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.config import Settings, configure_encryption  # noqa: E402
from bot.engine.messages import Outbound  # noqa: E402
from bot.scheduling.dispatcher import dispatch_due  # noqa: E402
from bot.scheduling.models import SCHEDULED, Nudge  # noqa: E402
from bot.scheduling.store import claimable  # noqa: E402
from bot.storage.db import Database  # noqa: E402
from bot.storage.models import Person  # noqa: E402
from bot.storage.pseudonyms import load_pseudonym_key  # noqa: E402

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
DAY_START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
SIZES = (1_000, 10_000, 100_000)
DEFAULT_DUE = 500
BURST = 1_800
CHUNK = 5_000
CLAIM_RUNS = 20
TICK = timedelta(minutes=1)


def machine_info() -> dict[str, Any]:
    """Cores and CPU model of this machine."""
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu_model": model, "logical_cores": os.cpu_count(),
            "python": platform.python_version()}


class CountingTransport:
    """A channel that only counts (so the transport costs nothing in the CPU figure)."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_to(self, user_key: str, reply: Outbound) -> bool:
        self.sent += 1
        return True


async def open_database(backend: str, workdir: Path) -> tuple[Database, str | None]:
    """A fresh, migrated database (a new schema on PostgreSQL), with this run's keys."""
    configure_encryption(Settings(data_dir=workdir / "data", encryption_keys=_key(),
                                  _env_file=None))
    if backend == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}")
        await db.upgrade()
        await load_pseudonym_key(db)  # seeding writes people's addresses
        return db, None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    db = Database(PG_URL, schema=schema)
    await db.upgrade()
    await load_pseudonym_key(db)
    return db, schema


async def drop_schema(db: Database, schema: str | None) -> None:
    if schema:
        async with db.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


async def seed(db: Database, people: int, *, key_prefix: str = "console:p",
               spread: timedelta = timedelta(days=1)) -> None:
    """`people` people in London with check-ins spread evenly over `spread` from DAY_START."""
    step = spread / people
    for first in range(0, people, CHUNK):
        count = min(CHUNK, people - first)
        async with db.session() as session:
            ids = (await session.execute(
                insert(Person).returning(Person.id),
                [{"user_key": f"{key_prefix}{n}", "created_at": DAY_START,
                  "last_seen_at": DAY_START, "locale": "en", "active": True,
                  "timezone": "Europe/London", "onboarded_at": DAY_START,
                  "consented_at": DAY_START,
                  "checkin_time": (DAY_START + step * n).strftime("%H:%M")}
                 for n in range(first, first + count)],
            )).scalars().all()
            await session.execute(insert(Nudge), [
                {"person_id": pid, "kind": "checkin", "ref": "", "status": SCHEDULED,
                 "due_at": DAY_START + step * n, "attempts": 0,
                 "local_time": (DAY_START + step * n).strftime("%H:%M"),
                 "timezone": "Europe/London", "created_at": DAY_START, "updated_at": DAY_START}
                for n, pid in zip(range(first, first + count), ids, strict=True)
            ])
        if db.is_postgres:
            async with db.engine.begin() as conn:
                await conn.execute(text("ANALYZE"))


async def claim_query_stats(db: Database, now: datetime) -> dict[str, Any]:
    """Median time of the claim SELECT (50 rows) and the database's plan for it."""
    query = claimable(now).limit(50)
    if db.is_postgres:
        query = query.with_for_update(skip_locked=True)
    timings = []
    async with db.engine.connect() as conn:
        for _ in range(CLAIM_RUNS):
            started = time.perf_counter()
            (await conn.execute(query)).all()
            timings.append(time.perf_counter() - started)
            await conn.rollback()
        # The same query as `claimable()`, spelled out for EXPLAIN.
        sql = ("SELECT id FROM nudges WHERE status = 'scheduled' AND due_at <= :now "
               "AND (claimed_until IS NULL OR claimed_until <= :now) ORDER BY due_at LIMIT 50")
        if db.is_sqlite:
            explain, when = "EXPLAIN QUERY PLAN " + sql, now.replace(tzinfo=None).isoformat(" ")
        else:
            explain, when = "EXPLAIN " + sql + " FOR UPDATE SKIP LOCKED", now
        plan_rows = (await conn.execute(text(explain), {"now": when})).all()
    plan = [str(row[-1]) for row in plan_rows]
    return {"claim_ms_median": round(statistics.median(timings) * 1000, 3), "plan": plan}


async def one_size(people: int, backend: str, due: int) -> dict[str, Any]:
    """Seeds `people`, measures the claim query, dispatches `due` check-ins; one process."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db, schema = await open_database(backend, workdir)
        try:
            started = time.perf_counter()
            await seed(db, people)
            seed_seconds = time.perf_counter() - started
            noon = DAY_START + timedelta(hours=12)  # half the day's rows are due or past
            claim = await claim_query_stats(db, noon)
            settings = Settings(data_dir=workdir / "data", scheduler_tick_seconds=0,
                                encryption_keys=_key(), _env_file=None)
            clock = FixedClock(DAY_START)
            core = await RecoveryBot.create(settings, clock=clock, db=db, migrate=False)
            transport = CountingTransport()
            # The service ticks; here one tick a minute from midnight until `due` have gone.
            tick, ticks, sent = DAY_START, 0, 0
            cpu, wall = time.process_time(), time.perf_counter()
            while sent < due:
                tick += TICK
                ticks += 1
                sent += (await dispatch_due(core, transport, tick, core.registry.nudge_kinds)).sent
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        finally:
            await drop_schema(db, schema)
            await db.dispose()
    return {
        "people": people, "backend": backend, "dispatched": sent, "ticks": ticks,
        "cpu_ms_per_nudge": round(cpu / max(sent, 1) * 1000, 2),
        "wall_ms_per_nudge": round(wall / max(sent, 1) * 1000, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "seed_seconds": round(seed_seconds, 1), **claim,
    }


_KEY = Fernet.generate_key().decode()


def _key() -> str:
    """This run's encryption key (the database's pseudonym key is stored under it)."""
    return _KEY


async def burst(backend: str, count: int) -> dict[str, Any]:
    """`count` check-ins due in one minute, through the Telegram channel and AIORateLimiter."""
    from bot.channels.telegram import build_application, polling
    from bot.devtools import FakeTelegram

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db, schema = await open_database(backend, workdir)
        try:
            await seed(db, count, key_prefix="telegram:", spread=timedelta(minutes=1))
            now = DAY_START + timedelta(minutes=1)
            async with FakeTelegram() as fake:
                for n in range(count):
                    fake.user(n)
                settings = Settings(
                    data_dir=workdir / "data", scheduler_tick_seconds=0, encryption_keys=_key(),
                    telegram_bot_token=fake.token, telegram_api_base_url=fake.base_url,
                    telegram_rate_limiter=True, _env_file=None,
                )
                core = await RecoveryBot.create(settings, clock=FixedClock(now), db=db,
                                                migrate=False)
                application = build_application(settings, core)
                async with polling(application, poll_interval=0, timeout=1):
                    channel = application.bot_data["channel"]
                    started = time.perf_counter()
                    stats = await dispatch_due(core, channel, now, core.registry.nudge_kinds)
                    seconds = time.perf_counter() - started
                    delivered = sum(1 for m in fake.sent if m.method == "sendMessage")
        finally:
            await drop_schema(db, schema)
            await db.dispose()
    return {"backend": backend, "nudges": count, "sent": stats.sent, "delivered": delivered,
            "seconds": round(seconds, 1), "per_second": round(stats.sent / seconds, 1)}


def run_sizes(sizes: list[int], backends: list[str], due: int) -> list[dict[str, Any]]:
    """Runs each size in a fresh process and collects its JSON line."""
    results = []
    for backend in backends:
        for people in sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(people), "--backend", backend,
                 "--due", str(due)], capture_output=True, text=True, check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(result)
            print(f"  {backend:8} {people:>7,} people: dispatched {result['dispatched']}, "
                  f"CPU {result['cpu_ms_per_nudge']} ms/nudge "
                  f"(wall {result['wall_ms_per_nudge']} ms), peak RSS {result['peak_rss_mb']} MB, "
                  f"claim query {result['claim_ms_median']} ms", flush=True)
            print(f"           plan: {' | '.join(result['plan'])}", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--due", type=int, default=DEFAULT_DUE)
    parser.add_argument("--no-burst", action="store_true")
    parser.add_argument("--burst", type=int, default=BURST)
    parser.add_argument("--burst-backend", default="postgres")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(one_size(args.one, args.backend, args.due))))
        return 0
    info = machine_info()
    print(f"Machine: {info['cpu_model']}, {info['logical_cores']} logical cores, "
          f"Python {info['python']}")
    print(f"Dispatching {args.due} due check-ins at each size:")
    results = run_sizes(args.sizes, args.backends, args.due)
    report: dict[str, Any] = {"machine": info, "sizes": results}
    if not args.no_burst:
        print(f"Burst: {args.burst} check-ins due in one minute, Telegram channel + "
              f"AIORateLimiter against the Bot API double ({args.burst_backend}):", flush=True)
        report["burst"] = asyncio.run(burst(args.burst_backend, args.burst))
        b = report["burst"]
        print(f"  sent {b['sent']} (delivered {b['delivered']}) in {b['seconds']} s "
              f"= {b['per_second']} nudges/s")
    Path(tempfile.gettempdir(), "schedule_bench.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
