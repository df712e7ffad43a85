"""Closed-loop throughput benchmark: simulated people chatting with the bot through the double.

The bot runs unchanged as a subprocess (``recovery-bot run``) against the Telegram Bot API
double (:mod:`bot.devtools.fake_telegram`) in this process. Each of N simulated people sends a
message, waits for the bot's reply (any new message to their chat), then sends the next line
of a script, round and round. PTB's rate limiter is switched off (``TELEGRAM_RATE_LIMITER=off``):
this measures how fast the bot handles updates, not Telegram's 30 messages/s send limit.

Usage::

    .venv/bin/python bench/throughput.py                     # 200 people, the real bot
    .venv/bin/python bench/throughput.py --users 500 --messages-per-user 20 --json
    .venv/bin/python bench/throughput.py --bot-cmd ".venv/bin/python bench/echo_bot.py"
    .venv/bin/python bench/throughput.py --database-url postgresql+asyncpg://u:p@127.0.0.1/bench

Reports the machine, messages/s, p50/p95/p99 reply latency, the bot's CPU seconds per 1,000
updates (its process and children) and its peak RSS. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shlex
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bot.devtools import FakeTelegram, FakeUser  # noqa: E402 - after the path is set

DEFAULT_USERS = 200
DEFAULT_MESSAGES_PER_USER = 10
DEFAULT_WARMUP = 2
DEFAULT_MAX_SECONDS = 120.0
DEFAULT_REPLY_TIMEOUT = 10.0
DEFAULT_STARTUP_TIMEOUT = 60.0
DEFAULT_QUIET_MS = 300.0
DEFAULT_BOT_CMD = f"{REPO_ROOT / '.venv' / 'bin' / 'recovery-bot'} run"
#: Lines sent in a loop when no --script is given: they walk a conversation's first steps.
DEFAULT_SCRIPT = [
    "/start",
    "hello",
    "skip",
    "I'd like to drink less on weekdays",
    "3",
    "yes",
    "not sure yet",
    "/checkin",
    "good",
    "/help",
]
FIRST_USER_ID = 100_000
SAMPLE_SECONDS = 0.1


@dataclass
class Result:
    """What one run measured (the ``--json`` output)."""

    machine: dict[str, Any]
    bot_cmd: str
    database_url: str
    rate_limiter: str
    users: int
    messages_per_user: int
    warmup_per_user: int
    messages_sent: int = 0
    messages_answered: int = 0
    messages_unanswered: int = 0
    seconds: float = 0.0
    messages_per_second: float = 0.0
    replies_per_message: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    whole_answer_latency_ms: dict[str, float] = field(default_factory=dict)
    bot_cpu_seconds_per_1000_updates: float = 0.0
    bot_peak_rss_mb: float = 0.0
    harness_cpu_seconds_per_1000_updates: float = 0.0
    bot_api_calls_per_update: dict[str, float] = field(default_factory=dict)
    stopped_by: str = "messages"


def machine_info() -> dict[str, Any]:
    """Returns the cores, CPU model, Python version and current load of this machine."""
    model = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "cpu_model": model,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Returns the nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def percentiles_ms(seconds: list[float]) -> dict[str, float]:
    """Returns p50, p95, p99 and max of durations, in milliseconds."""
    ordered = sorted(seconds)
    return {
        name: round(percentile(ordered, q) * 1000, 1)
        for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
    }


def read_script(path: str | None) -> list[str]:
    """Returns the lines to send: a file's non-blank, non-``#`` lines, or the default list."""
    if path is None:
        return DEFAULT_SCRIPT
    lines = [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines()]
    script = [line for line in lines if line and not line.startswith("#")]
    if not script:
        raise SystemExit(f"{path}: no lines to send")
    return script


class BotProcess:
    """The bot under test, as a subprocess; measures its CPU time and peak memory."""

    def __init__(self, command: list[str], env: dict[str, str], log_path: Path) -> None:
        self.command = command
        self.env = env
        self.log_path = log_path
        self.peak_rss = 0
        self._process: asyncio.subprocess.Process | None = None
        self._sampler: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    async def start(self) -> None:
        """Starts the bot and the memory sampler."""
        with _open_for_writing(self.log_path) as log:
            self._process = await asyncio.create_subprocess_exec(
                *self.command, env=self.env, stdout=log, stderr=log, cwd=REPO_ROOT
            )
        self._sampler = asyncio.create_task(self._sample_rss())

    def exited(self) -> int | None:
        """Returns the bot's exit code if it has exited."""
        return None if self._process is None else self._process.returncode

    def _tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the bot, its live children and its reaped children."""
        total = 0.0
        for process in self._tree():
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system + times.children_user + times.children_system
        return total

    def _high_water_mark(self) -> int:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text(encoding="utf-8")
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0

    async def _sample_rss(self) -> None:
        while self.exited() is None:
            try:
                rss = sum(p.memory_info().rss for p in self._tree())
            except psutil.Error:
                rss = 0
            self.peak_rss = max(self.peak_rss, rss, self._high_water_mark())
            await asyncio.sleep(SAMPLE_SECONDS)

    async def stop(self) -> None:
        """Stops the bot: SIGTERM, then SIGKILL after 10 s."""
        if self._process is None:
            return
        self.peak_rss = max(self.peak_rss, self._high_water_mark())
        if self._sampler is not None:
            self._sampler.cancel()
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the bot wrote to stdout and stderr."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _open_for_writing(path: Path) -> BinaryIO:
    return path.open("wb")


async def wait_until_polling(fake: FakeTelegram, bot: BotProcess, timeout: float) -> None:
    """Waits until the bot asks for updates (getUpdates or setWebhook)."""
    deadline = time.monotonic() + timeout
    while not any(m.lower() in ("getupdates", "setwebhook") for m, _ in fake.calls):
        if bot.exited() is not None:
            raise RuntimeError(f"the bot exited with code {bot.exited()}:\n{bot.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the bot did not poll within {timeout:.0f} s:\n{bot.log_tail()}")
        await asyncio.sleep(0.05)


@dataclass
class Tally:
    """Counts and reply latencies of the measured phase."""

    sent: int = 0
    answered: int = 0
    unanswered: int = 0
    latencies: list[float] = field(default_factory=list)
    turn_latencies: list[float] = field(default_factory=list)


async def calibrate(
    user: FakeUser, script: list[str], rounds: int, quiet: float, reply_timeout: float
) -> list[int]:
    """One person walks the script alone, waiting each time until the bot falls quiet.

    Returns how many messages the bot sends for each round, so that under load each person
    waits for the whole answer before the next line (a late second message is never taken
    for the answer to the next one).
    """
    counts = []
    for index in range(rounds):
        before = len(user.messages)
        await user.send(script[index % len(script)])
        with contextlib.suppress(TimeoutError):
            await user.wait_reply(timeout=reply_timeout)
            while True:
                seen = len(user.messages)
                await asyncio.sleep(quiet)
                if len(user.messages) == seen:
                    break
        counts.append(len(user.messages) - before)
        user.mark_seen()
    return counts


async def converse(
    user: FakeUser,
    script: list[str],
    rounds: range,
    expected: list[int],
    tally: Tally | None,
    deadline: float,
    reply_timeout: float,
) -> None:
    """One person: sends a line, waits for the whole answer, sends the next.

    ``expected`` holds the number of messages answering each round (from :func:`calibrate`);
    ``tally`` is None during warm-up.
    """
    for index in rounds:
        if time.monotonic() >= deadline:
            return
        user.mark_seen()
        sent_at = time.monotonic()
        await user.send(script[index % len(script)])
        if tally is not None:
            tally.sent += 1
        if expected[index] == 0:
            continue
        try:
            replies = await user.wait_reply(
                timeout=min(reply_timeout, max(0.01, deadline - time.monotonic())),
                count=expected[index],
            )
        except TimeoutError:
            if tally is not None and time.monotonic() < deadline:
                tally.unanswered += 1
            continue
        if tally is not None:
            tally.answered += 1
            tally.latencies.append(replies[0].at - sent_at)
            tally.turn_latencies.append(replies[expected[index] - 1].at - sent_at)


async def run(args: argparse.Namespace) -> Result:
    """Starts the double and the bot, runs the load, and returns the figures."""
    script = read_script(args.script)
    bot_cmd = shlex.split(args.bot_cmd)
    with tempfile.TemporaryDirectory(prefix="recovery-bench-") as tmp:
        database_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        result = Result(
            machine=machine_info(),
            bot_cmd=args.bot_cmd,
            database_url=database_url,
            rate_limiter="off",
            users=args.users,
            messages_per_user=args.messages_per_user,
            warmup_per_user=args.warmup,
        )
        async with FakeTelegram() as fake:
            env = {
                **os.environ,
                "TELEGRAM_BOT_TOKEN": fake.token,
                "TELEGRAM_API_BASE_URL": fake.base_url,
                "TELEGRAM_API_BASE_FILE_URL": fake.base_file_url,
                "TELEGRAM_RATE_LIMITER": "off",
                "DATABASE_URL": database_url,
                "DATA_DIR": tmp,
            }
            bot = BotProcess(bot_cmd, env, Path(tmp) / "bot.log")
            await bot.start()
            try:
                await wait_until_polling(fake, bot, args.startup_timeout)
                await measure(fake, bot, script, args, result)
            finally:
                await bot.stop()
            result.bot_peak_rss_mb = round(bot.peak_rss / 2**20, 1)
    return result


async def measure(
    fake: FakeTelegram,
    bot: BotProcess,
    script: list[str],
    args: argparse.Namespace,
    result: Result,
) -> None:
    """Runs the warm-up, then the measured rounds, filling in ``result``."""
    total_rounds = args.warmup + args.messages_per_user
    calibrator = fake.user(FIRST_USER_ID - 1, first_name="Calibrator")
    expected = await calibrate(
        calibrator, script, total_rounds, args.quiet_ms / 1000, args.reply_timeout
    )
    if not any(expected):
        raise RuntimeError(
            "the bot answered nothing during calibration. A database an earlier run used "
            "remembers the update ids it has handled, and the double starts them again at 1: "
            "give each run a fresh database (the default SQLite file is always fresh)")
    result.replies_per_message = round(sum(expected[args.warmup :]) / args.messages_per_user, 2)
    users = [fake.user(FIRST_USER_ID + n, first_name=f"Person{n}") for n in range(args.users)]
    deadline = time.monotonic() + args.max_seconds
    warmup = range(args.warmup)
    await asyncio.gather(
        *(converse(u, script, warmup, expected, None, deadline, args.reply_timeout) for u in users)
    )
    tally = Tally()
    rounds = range(args.warmup, args.warmup + args.messages_per_user)
    cpu_before, harness_before = bot.cpu_seconds(), time.process_time()
    calls_before = len(fake.calls)
    started = time.monotonic()
    await asyncio.gather(
        *(converse(u, script, rounds, expected, tally, deadline, args.reply_timeout) for u in users)
    )
    result.seconds = round(time.monotonic() - started, 3)
    cpu = bot.cpu_seconds() - cpu_before
    harness_cpu = time.process_time() - harness_before
    if bot.exited() is not None:
        raise RuntimeError(f"the bot exited with code {bot.exited()}:\n{bot.log_tail()}")
    result.stopped_by = "time limit" if time.monotonic() >= deadline else "messages"
    result.messages_sent = tally.sent
    result.messages_answered = tally.answered
    result.messages_unanswered = tally.unanswered
    result.messages_per_second = round(tally.answered / max(result.seconds, 1e-9), 1)
    result.latency_ms = percentiles_ms(tally.latencies)
    result.whole_answer_latency_ms = percentiles_ms(tally.turn_latencies)
    per_thousand = 1000 / max(tally.sent, 1)
    result.bot_cpu_seconds_per_1000_updates = round(cpu * per_thousand, 3)
    result.harness_cpu_seconds_per_1000_updates = round(harness_cpu * per_thousand, 3)
    methods = Counter(method for method, _ in fake.calls[calls_before:])
    result.bot_api_calls_per_update = {
        method: round(count / max(tally.sent, 1), 2) for method, count in methods.most_common()
    }


def _latencies(ms: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:.1f} ms" for name, value in ms.items())


def report(result: Result) -> str:
    """Renders the result for a person."""
    m, lat = result.machine, result.latency_ms
    lines = [
        "recovery-bot throughput (closed loop, Telegram Bot API double)",
        f"machine       {m['cores']} cores, {m['cpu_model']}, {m['python']}, "
        + f"load average {m['load_average_1m']} at start",
        f"bot           {result.bot_cmd}",
        f"database      {result.database_url}",
        f"rate limiter  {result.rate_limiter} (request handling, not Telegram's send limits)",
        f"load          {result.users} users x {result.messages_per_user} messages "
        + f"(+{result.warmup_per_user} warm-up each), stopped by {result.stopped_by}",
        f"messages      {result.messages_sent} sent, {result.messages_answered} answered, "
        + f"{result.messages_unanswered} unanswered in {result.seconds:.1f} s",
        f"throughput    {result.messages_per_second:.1f} messages/s",
        f"replies       {result.replies_per_message:g} messages from the bot per message",
        f"reply latency {_latencies(lat)} (first message of the answer)",
        f"whole answer  {_latencies(result.whole_answer_latency_ms)} (last message of it)",
        f"bot CPU       {result.bot_cpu_seconds_per_1000_updates:.3f} s per 1,000 updates",
        f"bot peak RSS  {result.bot_peak_rss_mb:.1f} MB",
        "Bot API calls "
        + ", ".join(f"{m} {n:g}" for m, n in result.bot_api_calls_per_update.items())
        + " per update",
        f"harness CPU   {result.harness_cpu_seconds_per_1000_updates:.3f} s per 1,000 updates "
        + "(double + simulated users, same machine)",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Reads the command line."""
    parser = argparse.ArgumentParser(description="Closed-loop throughput benchmark of the bot.")
    parser.add_argument("--users", type=int, default=DEFAULT_USERS)
    parser.add_argument("--messages-per-user", type=int, default=DEFAULT_MESSAGES_PER_USER)
    parser.add_argument(
        "--warmup", type=int, default=DEFAULT_WARMUP, help="unmeasured messages per user first"
    )
    parser.add_argument("--script", help="file of lines to send in a loop (default: built in)")
    parser.add_argument("--bot-cmd", default=DEFAULT_BOT_CMD, help="command that runs the bot")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS)
    parser.add_argument("--reply-timeout", type=float, default=DEFAULT_REPLY_TIMEOUT)
    parser.add_argument("--startup-timeout", type=float, default=DEFAULT_STARTUP_TIMEOUT)
    parser.add_argument(
        "--quiet-ms",
        type=float,
        default=DEFAULT_QUIET_MS,
        help="calibration: silence that ends the bot's answer to a line",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark and prints the result; exit status 1 if the bot failed."""
    args = parse_args(argv)
    try:
        result = asyncio.run(run(args))
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps(asdict(result), indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
