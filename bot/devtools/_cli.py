"""Play the bot by hand: ``python -m bot.devtools.fake_telegram [--port 8081]``.

Starts the Bot API double and a prompt. Each line you type is sent to the bot as the current
user (user 1 to begin with); the bot's messages are printed with their numbered buttons.
In another terminal, run the bot against it::

    TELEGRAM_BOT_TOKEN=123:fake TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot recovery-bot run

Prompt commands (anything else, ``/start`` included, goes to the bot; ``//x`` sends ``/x``)::

    /as N [NAME]   become user N          /press N    press button N of the last keyboard
    /sticker /photo /voice /document      /edit TEXT  edit your last message
    /block /unblock   the bot gets 403 for this chat      /devhelp   /quit
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading

from bot.devtools._objects import SentMessage
from bot.devtools._server import DEFAULT_HOST, DEFAULT_TOKEN, FakeTelegram
from bot.devtools._users import FakeUser

DEFAULT_PORT = 8081
PROMPT_HELP = """\
Type a line to send it to the bot as the current user; ``//x`` sends ``/x``.
  /as N [NAME]     become user N              /press N     press button N of the last keyboard
  /sticker /photo [CAPTION] /voice /document [CAPTION]    send that kind of message
  /edit TEXT       edit your last message     /block /unblock   bot gets 403 for this chat
  /devhelp         this help                  /quit        stop the server"""


def format_sent(sent: SentMessage) -> str:
    """Renders one message from the bot for the terminal, buttons numbered from 1."""
    where = f"✎ {sent.chat_id} #{sent.message_id}" if sent.is_edit else f"→ {sent.chat_id}"
    text = sent.text
    for kind, blob in (("document", sent.document), ("photo", sent.photo)):
        if blob is not None:
            text = f"[{kind} {blob.filename}, {len(blob.data)} bytes] {text}".rstrip()
    lines = [f"[bot {where}] {text}"]
    number = 0
    for row in sent.buttons:
        cells = []
        for label, _ in row:
            number += 1
            cells.append(f"[{number}] {label}")
        lines.append("    " + "   ".join(cells))
    for labels in sent.keyboard:
        lines.append("    keyboard: " + " | ".join(labels))
    return "\n".join(lines)


def _read_stdin(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    # A daemon thread: a blocked readline() never holds up shutdown.
    for line in sys.stdin:
        loop.call_soon_threadsafe(lines.put_nowait, line.rstrip("\n"))
    loop.call_soon_threadsafe(lines.put_nowait, None)


async def _announce_bot(fake: FakeTelegram) -> None:
    await fake.wait_for_call("getMe", timeout=365 * 24 * 3600)
    print("(a bot connected)", flush=True)


async def _handle(fake: FakeTelegram, user: FakeUser, line: str) -> FakeUser:
    """Carries out one prompt line as ``user``; returns who the current user is after it."""
    command, _, rest = line.partition(" ")
    if command == "/as":
        number, _, name = rest.partition(" ")
        user = fake.user(int(number), first_name=name or f"User{number}")
        print(f"(you are now user {user.id})")
    elif command == "/press":
        labels = user.last_buttons()
        index = int(rest) - 1
        if not 0 <= index < len(labels):
            print(f"(no button {rest}; buttons: {labels})")
        else:
            await user.press_label(labels[index])
    elif command == "/sticker":
        await user.send_sticker()
    elif command == "/photo":
        await user.send_photo(caption=rest or None)
    elif command == "/voice":
        await user.send_voice()
    elif command == "/document":
        await user.send_document(caption=rest or None)
    elif command == "/edit":
        await user.edit_last(rest)
    elif command == "/block":
        fake.block_user(user.chat_id)
        print(f"(chat {user.chat_id} blocked the bot)")
    elif command == "/unblock":
        fake.unblock_user(user.chat_id)
    elif command == "/devhelp":
        print(PROMPT_HELP)
    elif line.startswith("//"):
        await user.send(line[1:])
    elif line.strip():
        await user.send(line)
    return user


async def _run(args: argparse.Namespace) -> None:
    fake = FakeTelegram(args.token, host=args.host, port=args.port)
    await fake.start()
    fake.world.listeners.append(lambda sent: print(format_sent(sent), flush=True))
    print(
        f"Fake Telegram Bot API on {fake.base_url}  (token {fake.token})\n"
        f"Run the bot:  TELEGRAM_BOT_TOKEN={fake.token} "
        f"TELEGRAM_API_BASE_URL={fake.base_url} recovery-bot run\n"
        "Type to talk as user 1; /devhelp lists prompt commands, /quit ends.",
        flush=True,
    )
    announcer = asyncio.create_task(_announce_bot(fake))
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    threading.Thread(target=_read_stdin, args=(loop, lines), daemon=True).start()
    user = fake.user(1, first_name="User1")
    try:
        while (line := await lines.get()) is not None and line != "/quit":
            try:
                user = await _handle(fake, user, line)
            except (LookupError, ValueError) as error:
                print(f"({error})")
    finally:
        announcer.cancel()
        await fake.stop()


def main(argv: list[str] | None = None) -> None:
    """Runs the double with an interactive prompt until ``/quit``, end of input or Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.devtools.fake_telegram", description="Play the bot by hand."
    )
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token to accept")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_run(args))
    except KeyboardInterrupt:
        pass
