"""A picture of the last weeks: mood, craving, and the days that went to plan.

The chart is deliberately gentle. Days that went to plan are soft green columns; a slip is just a
day without one, missing days are gaps in the lines, and nothing is drawn in red or counts back
to zero. Every word on it comes from the caller (filled from templates), so the chart speaks the
person's language.

Rendering uses matplotlib's object-oriented API with the Agg canvas: no pyplot, no global figure
registry, safe to call from worker threads, and each figure is freed when the call returns.

Usage::

    png = render_progress_chart(records, today, labels={
        "title": "Your last 30 days", "mood": "Mood", "craving": "Craving",
        "to_plan": "Went to plan",
    })
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

from bot.coaching.progress import CRAVING_MAX, CRAVING_MIN, MOOD_MAX, MOOD_MIN, DayRecord

__all__ = ["CHART_LABEL_KEYS", "render_progress_chart"]

#: Keys the ``labels`` mapping must provide. An optional "date_format" (strftime) sets the ticks.
CHART_LABEL_KEYS = ("title", "mood", "craving", "to_plan")
# Numeric by default: "%b" would print English month names whatever the person's language.
DEFAULT_DATE_FORMAT = "%d.%m"

WIDTH_PX, HEIGHT_PX, DPI = 800, 450, 100
MOOD_COLOUR = "#3b6ea5"  # calm blue
CRAVING_COLOUR = "#b07d2b"  # amber: visible, but not an alarm
TO_PLAN_COLOUR = "#9fd3b0"  # soft green
TO_PLAN_ALPHA = 0.45
TICK_EVERY_DAYS = 7


def render_progress_chart(
    records: Sequence[DayRecord],
    today: date,
    labels: Mapping[str, str],
    days: int = 30,
) -> bytes:
    """Draws the last ``days`` days, ending ``today``, as an 800x450 PNG.

    Args:
        records: The person's check-ins, in any order; others outside the window are ignored.
        today: The person's local date, the last day shown.
        labels: User-facing words, keyed by ``CHART_LABEL_KEYS``; optional "date_format".
        days: How many days to show.

    Returns:
        The PNG file's bytes.

    Raises:
        ValueError: ``days`` is less than 1 or a label is missing.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    missing = [key for key in CHART_LABEL_KEYS if key not in labels]
    if missing:
        raise ValueError(f"chart labels missing {missing}; fill them from the templates")

    first = today - timedelta(days=days - 1)
    by_day = {record.day: record for record in records if first <= record.day <= today}
    dates = [first + timedelta(days=n) for n in range(days)]
    # NaN breaks the line, so a day without an answer is a gap rather than a dip to zero.
    mood = [_value(by_day[d].mood if d in by_day else None) for d in dates]
    craving = [_value(by_day[d].craving if d in by_day else None) for d in dates]
    to_plan = [n for n, d in enumerate(dates) if d in by_day and by_day[d].went_to_plan is True]

    # matplotlib (about 0.3 s to import) is loaded on the first chart, not at start-up.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    # Fixed margins: cheaper than tight/constrained layout and keeps charts comparable.
    figure.subplots_adjust(left=0.08, right=0.92, top=0.80, bottom=0.10)
    mood_axes = figure.add_subplot()
    craving_axes = mood_axes.twinx()

    mood_low, mood_high = MOOD_MIN - 0.5, MOOD_MAX + 0.5
    # Full-height soft columns behind the lines; markers keep a lone answered day visible.
    mood_axes.bar(
        to_plan,
        [mood_high - mood_low] * len(to_plan),
        bottom=mood_low,
        width=0.8,
        color=TO_PLAN_COLOUR,
        alpha=TO_PLAN_ALPHA,
        zorder=0,
    )
    mood_axes.plot(range(days), mood, color=MOOD_COLOUR, marker="o", markersize=4, linewidth=2)
    craving_axes.plot(
        range(days),
        craving,
        color=CRAVING_COLOUR,
        marker="s",
        markersize=3,
        linewidth=1.5,
        linestyle="--",
    )

    mood_axes.set_xlim(-0.5, days - 0.5)
    mood_axes.set_ylim(mood_low, mood_high)
    mood_axes.set_yticks(range(MOOD_MIN, MOOD_MAX + 1))
    craving_axes.set_ylim(CRAVING_MIN - 0.5, CRAVING_MAX + 0.5)
    craving_axes.set_yticks(range(CRAVING_MIN, CRAVING_MAX + 1, 2))
    mood_axes.set_ylabel(_text(labels["mood"]), color=MOOD_COLOUR)
    craving_axes.set_ylabel(_text(labels["craving"]), color=CRAVING_COLOUR)
    mood_axes.tick_params(axis="y", colors=MOOD_COLOUR)
    craving_axes.tick_params(axis="y", colors=CRAVING_COLOUR)

    # Ticks count back from today so the last tick is always "today".
    ticks = list(range(days - 1, -1, -TICK_EVERY_DAYS))[::-1]
    date_format = labels.get("date_format", DEFAULT_DATE_FORMAT)
    mood_axes.set_xticks(ticks, [dates[n].strftime(date_format) for n in ticks])
    mood_axes.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    mood_axes.set_axisbelow(True)
    for axes in (mood_axes, craving_axes):
        axes.spines["top"].set_visible(False)

    figure.suptitle(_text(labels["title"]), fontsize=14, y=0.97)
    figure.legend(
        handles=[
            mood_axes.lines[0],
            craving_axes.lines[0],
            Patch(color=TO_PLAN_COLOUR, alpha=TO_PLAN_ALPHA),
        ],
        labels=[_text(labels["mood"]), _text(labels["craving"]), _text(labels["to_plan"])],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.90),
        ncol=3,
        frameon=False,
    )

    return _encode_png(canvas)


def _encode_png(canvas: FigureCanvasAgg) -> bytes:
    """Encodes the drawn canvas as a 256-colour PNG.

    A chart has few distinct colours, so a palette PNG looks the same as full colour at under
    half the bytes (~30 KB rather than ~70 KB), which matters on slow mobile connections.
    """
    from PIL import Image

    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    return buffer.getvalue()


def _value(answer: int | None) -> float:
    """Returns an answer as a plottable number, NaN when missing."""
    return math.nan if answer is None else float(answer)


def _text(label: str) -> str:
    """Escapes "$" so matplotlib shows template text literally instead of as maths."""
    return label.replace("$", r"\$")
