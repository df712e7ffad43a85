"""The console channel as a person uses it: `recovery-bot chat` with piped input.

Also the restart test: the process is killed mid-onboarding and a new one continues.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BOT = [sys.executable, "-m", "bot.cli"]


def run_chat(tmp_path: Path, lines: list[str], *args: str, db_url: str | None = None,
             schema: str | None = None) -> list[dict]:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    if db_url:
        env["DATABASE_URL"] = db_url
    if schema:
        env["DATABASE_SCHEMA"] = schema
        # PostgreSQL needs the key in the environment: the one the test's database was set
        # up with (its pseudonym key is stored under it), else a new one.
        key_file = tmp_path / "data" / "encryption.key"
        env["ENCRYPTION_KEYS"] = (key_file.read_text().strip() if key_file.exists()
                                  else Fernet.generate_key().decode())
    result = subprocess.run(
        [*BOT, "chat", "--jsonl", *args], input="\n".join(lines) + "\n", capture_output=True,
        text=True, env=env, timeout=60, check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_onboarding_through_piped_stdin(tmp_path: Path) -> None:
    replies = run_chat(tmp_path, ["/start", "1", "Sam", "I want more good mornings",
                                  "Cutting down", "2", "9pm"])
    templates = [reply["template"] for reply in replies]
    assert templates == [
        "onboarding/hello", "onboarding/consent", "onboarding/ask_name",
        "onboarding/reflect_name", "onboarding/ask_reason", "onboarding/reflect_reason",
        "onboarding/ask_pathway", "onboarding/reflect_pathway", "onboarding/ask_country",
        "onboarding/ask_checkin", "onboarding/reflect_checkin", "onboarding/all_set",
        "onboarding/offer",
    ]
    consent = replies[1]
    assert consent["buttons"] == ["That's okay with me", "Tell me more first", "Not right now"]
    assert consent["flow"] == "onboarding" and consent["state"] == "welcome"
    assert "21:00" in replies[-3]["text"]
    assert replies[-2]["state"] == "done"  # onboarding is complete...
    assert replies[-1]["state"] == "offer"  # ...and offers a coaching conversation


def test_different_users_are_different_people(tmp_path: Path) -> None:
    run_chat(tmp_path, ["/start", "1", "Alex"], "--user", "alex")
    replies = run_chat(tmp_path, ["/start"], "--user", "blair")
    assert [r["template"] for r in replies] == ["onboarding/hello", "onboarding/consent"]
    replies = run_chat(tmp_path, ["/continue"], "--user", "alex")
    # Alex is still at the question after the name.
    assert replies[-1]["template"] == "onboarding/ask_reason"
    assert replies[0]["template"] == "system/resuming"


def test_plain_output_numbers_the_buttons(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([*BOT, "chat"], input="/start\n", capture_output=True, text=True,
                            env=env, timeout=60, check=True)
    assert "   1. That's okay with me" in result.stdout
    assert "Traceback" not in result.stderr


def test_killed_mid_onboarding_a_restart_continues_there(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([*BOT, "chat", "--jsonl"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdin and proc.stdout
    seen: list[dict] = []
    for line, expect in (("/start", "onboarding/consent"), ("1", "onboarding/ask_name"),
                         ("Robin", "onboarding/ask_reason")):
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            seen.append(json.loads(proc.stdout.readline()))
            if seen[-1]["template"] == expect:
                break
        assert seen[-1]["template"] == expect
    os.kill(proc.pid, signal.SIGKILL)  # no clean shutdown
    proc.wait(timeout=10)
    replies = run_chat(tmp_path, ["Getting my weekends back"])
    assert replies[0]["template"] == "onboarding/reflect_reason"
    assert "Robin" in replies[0]["text"]
    assert replies[-1]["template"] == "onboarding/ask_pathway"


def test_console_on_postgres(tmp_path: Path, database, database_url: str, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("this test is about the PostgreSQL URL")
    replies = run_chat(tmp_path, ["/start", "1", "Sam"], db_url=database_url,
                       schema=database.schema)
    assert replies[-1]["template"] == "onboarding/ask_reason"
