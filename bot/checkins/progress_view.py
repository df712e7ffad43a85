"""The /progress message and the weekly summary: a chart plus a few kind words.

The chart is drawn in a worker thread (matplotlib is CPU-bound and would otherwise hold up
every other conversation); every word on it comes from templates.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.records import day_records
from bot.coaching.progress import summarise
from bot.coaching.progress_chart import CHART_LABEL_KEYS, render_progress_chart
from bot.engine.messages import Attachment
from bot.engine.render import Renderer, code_template

CHART_DAYS = 30
CHART_LABELS = {name: code_template(f"progress/chart_{name}") for name in CHART_LABEL_KEYS}
CHART_FILENAME = "progress.png"
DATE_FORMAT = code_template("progress/chart_date_format")


async def progress_snapshot(
    session: AsyncSession, renderer: Renderer, person_id: int, today: date,
    country: str | None = None,
) -> tuple[dict[str, Any], Attachment | None]:
    """Template context about the person's progress, and the chart (None before any check-in).
    The chart's dates are written as people in `country` write them (the locale's
    `progress/chart_date_format` template)."""
    records = await day_records(session, person_id)
    summary = summarise(records, today)
    context: dict[str, Any] = {"summary": asdict(summary)}
    if summary.checkins == 0:
        return context, None
    labels = {name: renderer.render(key, {}) for name, key in CHART_LABELS.items()}
    labels["date_format"] = renderer.render(DATE_FORMAT, {"country": country or ""}).strip()
    png = await asyncio.to_thread(render_progress_chart, records, today, labels, CHART_DAYS)
    return context, Attachment(CHART_FILENAME, png, "image/png", is_image=True)
