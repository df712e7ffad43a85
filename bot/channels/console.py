"""The console channel: talk to the bot in a terminal, or drive it with piped input.

    recovery-bot chat --user sam            # interactive; starts with /start
    printf '/start\\n1\\nSam\\n' | recovery-bot chat --jsonl

One line of input is one message. Buttons are shown as numbered options; answer with the
number or the label (scales show their numbers and take them as typed). With `--jsonl`
each reply is one JSON object a line (text, buttons, template, flow, state).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.app import RecoveryBot
from bot.engine.inputs import normalise
from bot.engine.messages import Button, Inbound, InboundKind, Outbound

CONSOLE_PREFIX = "console:"


DELETED = "privacy/deleted"  # the reply that says everything about the person was deleted


def console_key(user: str) -> str:
    """The user_key of a console person."""
    return CONSOLE_PREFIX + user


def exports_folder(user_key: str) -> str:
    """The folder name of a person's exports: a digest, so the name says nothing about them."""
    return hashlib.sha256(user_key.encode("utf-8")).hexdigest()[:16]


class ConsoleChannel:
    """Reads lines, sends them to the bot, prints replies (plain or JSON lines)."""

    def __init__(
        self, app: RecoveryBot, user: str, out: TextIO, *, jsonl: bool = False
    ) -> None:
        self.app = app
        self.user_key = console_key(user)
        self.out = out
        self.jsonl = jsonl
        self.buttons: tuple[Button, ...] = ()
        # Each person's exports in a folder of their own (two people exporting on the same
        # day no longer overwrite each other's file), removed when they /delete.
        self.exports_dir = app.settings.data_dir / "exports" / exports_folder(self.user_key)

    def to_inbound(self, line: str) -> Inbound:
        """A typed line as the engine sees it: a button press when it names one."""
        now = self.app.clock.now()
        text = line.rstrip("\n")
        key = normalise(text)
        # A scale's buttons are numbers: then a typed number is the number, never an index.
        numeric_labels = any(button.label.isdigit() for button in self.buttons)
        if self.buttons and not numeric_labels and key.isdigit():
            index = int(key) - 1
            if 0 <= index < len(self.buttons):
                return Inbound(self.user_key, now, InboundKind.BUTTON,
                               button=self.buttons[index].data)
        for button in self.buttons:
            if key and normalise(button.label) == key:
                return Inbound(self.user_key, now, InboundKind.BUTTON, button=button.data)
        return Inbound(self.user_key, now, InboundKind.TEXT, text=text)

    async def send_to(self, user_key: str, reply: Outbound) -> bool:
        """Transport API: messages the bot starts (a scheduled check-in) are printed too."""
        self.show([reply if user_key == self.user_key else Outbound(
            reply.text, reply.template, reply.buttons, reply.flow, reply.state,
            reply.attachment, to=user_key)])
        if user_key == self.user_key and not self.jsonl:
            self.out.write("\n> ")
            self.out.flush()
        return True

    async def send(self, line: str) -> list[Outbound]:
        """One message from the person; prints and returns the replies."""
        replies = await self.app.handle(self.to_inbound(line))
        self.show(replies)
        if any(reply.template == DELETED and reply.to in (None, self.user_key)
               for reply in replies):
            shutil.rmtree(self.exports_dir, ignore_errors=True)  # their files go with them
        return replies

    def show(self, replies: Iterable[Outbound]) -> None:
        """Print replies; remember the last buttons for number/label answers."""
        for reply in replies:
            path = self._save_attachment(reply)
            if reply.to is None or reply.to == self.user_key:
                if reply.buttons:
                    self.buttons = reply.buttons
            if self.jsonl:
                record = {
                    "text": reply.text,
                    "buttons": [button.label for button in reply.buttons],
                    "template": reply.template,
                    "flow": reply.flow,
                    "state": reply.state,
                }
                if reply.to and reply.to != self.user_key:
                    record["to"] = reply.to
                if path:
                    record["attachment"] = str(path)
                self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                self._print_plain(reply, path)
        self.out.flush()

    def _print_plain(self, reply: Outbound, path: Path | None) -> None:
        prefix = f"[to {reply.to}] " if reply.to and reply.to != self.user_key else ""
        self.out.write("\n" + prefix + reply.text + "\n")
        if reply.buttons:
            if any(button.label.isdigit() for button in reply.buttons):
                self.out.write("   " + "  ".join(f"[{b.label}]" for b in reply.buttons) + "\n")
            else:
                for number, button in enumerate(reply.buttons, 1):
                    self.out.write(f"   {number}. {button.label}\n")
        if path:
            self.out.write(f"   (saved: {path})\n")

    def _save_attachment(self, reply: Outbound) -> Path | None:
        if reply.attachment is None:
            return None
        self.exports_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.exports_dir / reply.attachment.filename
        path.write_bytes(reply.attachment.content)
        path.chmod(0o600)
        return path.resolve()


async def run_console(app: RecoveryBot, user: str, *, jsonl: bool,
                      stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    """Chat until end of input. Interactive terminals start with /start and show a prompt."""
    channel = ConsoleChannel(app, user, stdout, jsonl=jsonl)
    await app.on_channel_ready(channel)
    interactive = stdin.isatty() and not jsonl
    if interactive:
        await channel.send("/start")
    while True:
        if interactive:
            stdout.write("\n> ")
            stdout.flush()
        # Read in a thread so scheduled check-ins can arrive while the person is typing.
        line = await asyncio.get_running_loop().run_in_executor(None, stdin.readline)
        if not line:
            break
        if not line.strip() and not interactive:
            continue
        await channel.send(line)
