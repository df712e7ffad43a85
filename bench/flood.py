"""One person floods the bot while others talk: do the others still get quick replies?

The bot runs as a subprocess (``recovery-bot run``, long polling, PTB's rate limiter off)
against the Bot API double. ``--people`` simulated people talk closed-loop (send, wait for
the whole answer, send the next line) while one flooder sends ``--flood`` messages as fast
as the double takes them. Reports the machine, the others' reply latency (p50/p95/p99 and
the worst), how many of the flooder's messages were answered, and whether the flood's last
message got its answer.

Usage::

    .venv/bin/python bench/flood.py                       # 50 people, 1,000 flood messages
    .venv/bin/python bench/flood.py --people 20 --flood 300
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from throughput import (  # noqa: E402
    DEFAULT_BOT_CMD,
    DEFAULT_SCRIPT,
    BotProcess,
    Tally,
    calibrate,
    converse,
    machine_info,
    percentiles_ms,
    wait_until_polling,
)

from bot.devtools import FakeTelegram  # noqa: E402

FLOODER_ID = 990000
FIRST_ID = 991000
ROUNDS = 8


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="recovery-flood-") as tmp:
        async with FakeTelegram() as fake:
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token,
                   "TELEGRAM_API_BASE_URL": fake.base_url,
                   "TELEGRAM_API_BASE_FILE_URL": fake.base_file_url,
                   "TELEGRAM_RATE_LIMITER": "off",
                   "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/flood.sqlite3", "DATA_DIR": tmp}
            bot = BotProcess(DEFAULT_BOT_CMD.split(), env, Path(tmp) / "bot.log")
            await bot.start()
            try:
                await wait_until_polling(fake, bot, 60)
                calibrator = fake.user(FIRST_ID - 1, first_name="Cal")
                expected = await calibrate(calibrator, DEFAULT_SCRIPT, ROUNDS, 0.3, 10)
                people = [fake.user(FIRST_ID + n, first_name=f"P{n}") for n in range(args.people)]
                flooder = fake.user(FLOODER_ID, first_name="Flood")
                await flooder.send("/start")
                await flooder.wait_reply(timeout=10)
                tally = Tally()
                deadline = time.monotonic() + 120

                async def flood() -> float:
                    started = time.monotonic()
                    for n in range(args.flood - 1):
                        await flooder.send(f"message {n} from the flood")
                    flooder.mark_seen()
                    await flooder.send("/help")  # the last of the burst: it must be answered
                    return time.monotonic() - started

                flood_task = asyncio.create_task(flood())
                await asyncio.sleep(0.05)  # the flood is under way before the others talk
                await asyncio.gather(*(converse(p, DEFAULT_SCRIPT, range(ROUNDS), expected,
                                                tally, deadline, 10) for p in people))
                flood_seconds = await flood_task
                last_answered = False
                try:
                    async with asyncio.timeout(30):
                        while not any("/help" in m.text or "What I can do" in m.text
                                      for m in flooder.messages[-5:]):
                            await asyncio.sleep(0.05)
                    last_answered = True
                except TimeoutError:
                    pass
                flood_answers = len(flooder.messages)
            finally:
                await bot.stop()
    latencies = percentiles_ms(tally.latencies)
    info = machine_info()
    print(f"machine: {info}")
    print("PTB rate limiter: off (request handling, not Telegram's send limit)")
    print(f"{args.people} people x {ROUNDS} turns while one person sent {args.flood} messages "
          f"in {flood_seconds:.1f} s")
    print(f"others' first-reply latency ms: {latencies}; worst "
          f"{max(tally.latencies) * 1000:.0f} ms; answered {tally.answered}/{tally.sent}, "
          f"unanswered {tally.unanswered}")
    print(f"flooder: {flood_answers} replies; the burst's last message answered: "
          f"{last_answered}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--flood", type=int, default=1000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
