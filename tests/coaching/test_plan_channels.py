"""The plan through real channels: the console (piped stdin) and Telegram (the Bot API double)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from bot.devtools import FakeTelegram
from tests.coaching.plan_script import EDIT_CONFIDENCE, SCRIPT_TO_PLAN, TYPED


async def until_question(user) -> list:  # type: ignore[no-untyped-def]
    """Replies up to the next question (every question here comes with buttons)."""
    got = await user.wait_reply()
    while not got[-1].buttons:
        got += await user.wait_reply()
    return got


ONBOARDING = ["/start", "1", "Sam", "I want my mornings back", "Cutting down", "2", "9pm"]


def test_console_build_edit_view_export(tmp_path: Path) -> None:
    lines = [*ONBOARDING, "Start my plan", *(v for _, v in SCRIPT_TO_PLAN), "Send me a copy",
             *(v for _, v in EDIT_CONFIDENCE), "That's all for now", "/plan"]
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    result = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--jsonl"],
                            input="\n".join(lines) + "\n", capture_output=True, text=True,
                            env=env, timeout=60, check=True)
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    templates = [r["template"] for r in replies]
    assert "Traceback" not in result.stderr
    assert "plan/summary" in templates and "plan/part_saved" in templates
    [export] = [r for r in replies if "attachment" in r]
    html = Path(export["attachment"]).read_text(encoding="utf-8")
    HTMLParser().feed(html)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert all(typed.split(",")[0] in html for typed in TYPED if "<" not in typed)
    view = replies[-2]
    assert view["template"] == "plan/view" and "Two good weeks behind me" in view["text"]


async def test_telegram_build_edit_view_export(telegram: FakeTelegram) -> None:
    ada = telegram.user(2001, first_name="Ada")
    # Each reply is ONE message: the channel joins a reflection with the next question.
    await ada.send("/start")
    await ada.wait_reply()
    for label in ("That's okay with me",):
        await ada.press_label(label)
        await ada.wait_reply()
    for text in ("Ada", "I want my mornings back"):
        await ada.send(text)
        await ada.wait_reply()
    await ada.press_label("Cutting down")
    await ada.wait_reply()
    await ada.press_label("United Kingdom")
    await ada.wait_reply()
    await ada.send("9pm")
    [done] = await ada.wait_reply()
    assert "Start my plan" in ada.last_buttons() and "every day at 21:00" in done.text
    await ada.press_label("Start my plan")
    await until_question(ada)
    for kind, value in SCRIPT_TO_PLAN:
        ada.mark_seen()
        await (ada.press_label(value) if kind == "press" else ada.send(value))
        await until_question(ada)
    ada.mark_seen()
    await ada.press_label("Send me a copy")
    replies = await until_question(ada)
    [document] = [r.document for r in replies if r.document is not None]
    assert document.filename.endswith(".html") and document.mime_type == "text/html"
    html = document.data.decode("utf-8")
    assert "&lt;script&gt;" in html and "Call Jo before I open a bottle" in html
    for kind, value in EDIT_CONFIDENCE:
        ada.mark_seen()
        await (ada.press_label(value) if kind == "press" else ada.send(value))
        await until_question(ada)
    ada.mark_seen()
    await ada.send("/plan")
    [view_and_menu] = await ada.wait_reply()
    assert "Two good weeks behind me" in view_and_menu.text and "Version 2" in view_and_menu.text
    assert view_and_menu.buttons
