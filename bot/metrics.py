"""Prometheus metrics: counts and timings only, never who or what.

Other packages import this module and count::

    from bot import metrics
    metrics.crisis_screens.labels(category).inc()        # a crisis screen fired
    with metrics.handler_seconds.time(): ...              # one update handled

`/metrics` (the webhook server, `recovery-bot run --webhook`) serves `render()`. Labels are
fixed small sets (an outcome, a screen category), never ids or text.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

registry = CollectorRegistry(auto_describe=True)
"""The bot's own registry (the process's default one is left alone)."""

updates_handled = Counter(
    "recovery_bot_updates_handled", "Telegram updates handled", ["outcome"], registry=registry
)
updates_redelivered = Counter(
    "recovery_bot_updates_redelivered", "Updates Telegram delivered again after they were "
    "handled (recognised by update_id, not handled twice)", registry=registry,
)
updates_dropped = Counter(
    "recovery_bot_updates_dropped", "Updates from one person set aside because their own "
    "queue was full (a flood); the latest of a burst and any crisis are kept", registry=registry,
)
handler_seconds = Histogram(
    "recovery_bot_handler_seconds", "Time to handle one update, replies sent included",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0), registry=registry,
)
nudges = Counter(
    "recovery_bot_nudges", "Nudges by outcome: sent, failed (a send that will be retried or "
    "was given up), late (too late to be useful, skipped), unreachable", ["outcome"],
    registry=registry,
)
handoffs_waiting = Gauge(
    "recovery_bot_handoffs_waiting", "People waiting for a coach right now", registry=registry
)
crisis_screens = Counter(
    "recovery_bot_crisis_screens", "Crisis screens that fired, by category", ["category"],
    registry=registry,
)
unreadable_steps = Counter(
    "recovery_bot_unreadable_steps", "Messages from people whose stored data the configured "
    "keys can't read (a key dropped too early, a worker with other keys)", registry=registry,
)
CONTENT_TYPE = CONTENT_TYPE_LATEST


def render() -> bytes:
    """The metrics in Prometheus' text format."""
    return generate_latest(registry)
