"""The throughput harness, run small against the echo bot: it measures, and it fails loudly."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ECHO_BOT = f"{sys.executable} {REPO_ROOT / 'bench' / 'echo_bot.py'}"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/throughput.py, imported by path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "throughput", REPO_ROOT / "bench" / "throughput.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


async def test_echo_bot_run_is_measured(bench: ModuleType) -> None:
    args = bench.parse_args(
        ["--bot-cmd", ECHO_BOT, "--users", "5", "--messages-per-user", "3", "--quiet-ms", "20"]
    )
    result = await bench.run(args)
    assert (result.messages_sent, result.messages_answered, result.messages_unanswered) == (
        15,
        15,
        0,
    )
    assert result.messages_per_second > 0
    assert 0 < result.latency_ms["p50"] <= result.latency_ms["p99"]
    assert result.bot_cpu_seconds_per_1000_updates > 0
    assert result.bot_peak_rss_mb > 10
    assert result.rate_limiter == "off"
    assert result.replies_per_message == 1
    assert "messages/s" in bench.report(result)


async def test_a_bot_that_exits_is_reported(bench: ModuleType) -> None:
    args = bench.parse_args(["--bot-cmd", f"{sys.executable} -c 'raise SystemExit(3)'"])
    with pytest.raises(RuntimeError, match="exited with code 3"):
        await bench.run(args)
