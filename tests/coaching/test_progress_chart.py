"""The progress chart renders a valid PNG of the right size, with or without data."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from matplotlib.image import imread

from bot.coaching.progress import DayRecord
from bot.coaching.progress_chart import render_progress_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TODAY = date(2024, 6, 30)
# Deliberately not English: the chart must show whatever words the caller passes.
LABELS = {
    "title": "Deine letzten Tage",
    "mood": "Stimmung",
    "craving": "Verlangen",
    "to_plan": "Nach Plan",
}


def decoded_size(png: bytes) -> tuple[int, int]:
    """Decodes a PNG and returns its (height, width)."""
    assert png.startswith(PNG_SIGNATURE)
    pixels = imread(io.BytesIO(png), format="png")
    return pixels.shape[0], pixels.shape[1]


def sample_records() -> list[DayRecord]:
    """Five weeks with gaps, a slip and some unanswered questions."""
    records = []
    for n in range(35):
        if n % 6 == 5:
            continue  # no check-in that day
        records.append(
            DayRecord(
                TODAY - timedelta(days=n),
                mood=1 + n % 5 if n % 4 else None,
                craving=n % 11,
                went_to_plan=None if n % 7 == 3 else n % 9 != 4,
            )
        )
    return records


def test_renders_a_valid_png_of_the_expected_size() -> None:
    png = render_progress_chart(sample_records(), TODAY, LABELS)

    assert decoded_size(png) == (450, 800)
    assert len(png) < 60_000


def test_empty_data_still_renders_a_chart() -> None:
    png = render_progress_chart([], TODAY, LABELS)

    assert decoded_size(png) == (450, 800)


def test_short_window_and_records_outside_it() -> None:
    records = [DayRecord(TODAY - timedelta(days=40), 3, 3, True), DayRecord(TODAY, 5, 0, True)]

    png = render_progress_chart(records, TODAY, LABELS, days=1)

    assert decoded_size(png) == (450, 800)


def test_labels_are_taken_as_literal_text() -> None:
    labels = {**LABELS, "title": "$5 saved, $10 to go: 100% ^_^", "date_format": "%Y-%m-%d"}

    png = render_progress_chart(sample_records(), TODAY, labels)

    assert decoded_size(png) == (450, 800)


def test_missing_label_is_an_error_naming_it() -> None:
    labels = {key: value for key, value in LABELS.items() if key != "to_plan"}

    with pytest.raises(ValueError, match="to_plan"):
        render_progress_chart([], TODAY, labels)


def test_days_must_be_positive() -> None:
    with pytest.raises(ValueError, match="days"):
        render_progress_chart([], TODAY, LABELS, days=0)
