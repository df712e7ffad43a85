"""Hostile webhook traffic: memory of a `recovery-bot run --webhook` process under large posts.

Run:  .venv/bin/python bench/webhook_flood.py [--posts 20] [--megabytes 50] [--half-open 300]

Starts the bot in webhook mode against the local Bot API double (bot.devtools.FakeTelegram),
then sends `--posts` concurrent POSTs of `--megabytes` each WITHOUT the secret (streamed, as
an attacker would), then as many posts WITH the secret but over the body cap, then opens
`--half-open` connections that send headers and stall. Prints the process's resident memory
before, its peak (VmHWM) after, how the posts were answered, how many half-open connections
were still open after the idle timeout, and whether the bot still answers /healthz.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.devtools import FakeTelegram  # noqa: E402
from bot.web import IDLE_TIMEOUT_SECONDS, SECRET_HEADER  # noqa: E402

SECRET = "a-long-enough-webhook-secret_123"
CHUNK = b"x" * (1024 * 1024)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def big_post(port: int, megabytes: int, secret: str) -> str:
    """Stream a large body; return the status line, or how the connection ended."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        headers = (f"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {megabytes * len(CHUNK)}\r\n")
        if secret:
            headers += f"{SECRET_HEADER}: {secret}\r\n"
        writer.write((headers + "\r\n").encode())
        try:  # a server that refuses on the headers answers before any body is sent
            line = await asyncio.wait_for(reader.readline(), 1.0)
            writer.close()
            return line.decode().split(" ", 2)[1] if line else "closed"
        except TimeoutError:
            pass
        for _ in range(megabytes):
            if reader.at_eof():
                break
            writer.write(CHUNK)
            await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 30)
        writer.close()
        return line.decode().split(" ", 2)[1] if line else "closed"
    except (ConnectionError, OSError):
        return "closed"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--half-open", type=int, default=300)
    args = parser.parse_args()
    port = free_port()
    async with FakeTelegram() as fake:
        with tempfile.TemporaryDirectory() as data:
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token,
                   "TELEGRAM_API_BASE_URL": fake.base_url, "DATA_DIR": data,
                   "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram", "WEBHOOK_SECRET": SECRET,
                   "WEBHOOK_LISTEN": "127.0.0.1", "PORT": str(port), "METRICS_PORT": "0"}
            for name in ("DATABASE_URL", "ENCRYPTION_KEYS"):
                env.pop(name, None)
            bot = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", "--webhook", env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            try:
                await fake.wait_for_call("setWebhook", timeout=60)
                before = memory_kb(bot.pid, "VmRSS")
                started = time.perf_counter()
                forged = await asyncio.gather(*(big_post(port, args.megabytes, "")
                                                for _ in range(args.posts)))
                oversized = await asyncio.gather(*(big_post(port, args.megabytes, SECRET)
                                                   for _ in range(args.posts)))
                took = time.perf_counter() - started
                stalled = []
                for _ in range(args.half_open):
                    try:
                        reader, writer = await asyncio.open_connection("127.0.0.1", port)
                        writer.write(b"POST /telegram HTTP/1.1\r\nHost: x\r\n")
                        stalled.append((reader, writer))
                    except OSError:
                        break
                await asyncio.sleep(IDLE_TIMEOUT_SECONDS + 2)
                still_open = sum([await _still_open(r) for r, _ in stalled])
                async with aiohttp.ClientSession() as http, \
                        http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    healthy = response.status
                peak = memory_kb(bot.pid, "VmHWM")
                for _, writer in stalled:
                    writer.close()
            finally:
                bot.terminate()
                await bot.wait()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{args.posts} posts of {args.megabytes} MB without the secret: "
          f"{sorted(set(forged))}; {args.posts} with the secret: {sorted(set(oversized))}; "
          f"{took:.1f} s")
    print(f"memory: {before / 1024:.0f} MB before, peak {peak / 1024:.0f} MB")
    print(f"{len(stalled)} half-open connections opened, {still_open} still open after "
          f"{IDLE_TIMEOUT_SECONDS + 2:.0f} s; /healthz then: {healthy}")


async def _still_open(reader: asyncio.StreamReader) -> bool:
    try:
        return await asyncio.wait_for(reader.read(1), 0.05) != b""
    except TimeoutError:
        return True  # nothing came, nothing closed
    except OSError:
        return False


if __name__ == "__main__":
    asyncio.run(main())
