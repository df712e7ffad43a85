"""How fast and how big is the progress chart, and does rendering leak memory?

Run: ``.venv/bin/python bench/progress_chart_bench.py``. Prints the median and worst render time,
the PNG size, and resident memory before and after 200 renders (it should stay flat).
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from datetime import date, timedelta

import psutil

from bot.coaching.progress import DayRecord
from bot.coaching.progress_chart import render_progress_chart

TODAY = date(2024, 6, 30)
LABELS = {"title": "Your last 30 days", "mood": "Mood", "craving": "Craving", "to_plan": "To plan"}
RENDERS = 200
WARM_UP = 100


def sample_records(seed: int) -> list[DayRecord]:
    """Forty days of noisy check-ins with about one day in six missing."""
    rng = random.Random(seed)
    return [
        DayRecord(
            TODAY - timedelta(days=n),
            mood=rng.randint(1, 5),
            craving=rng.randint(0, 10),
            went_to_plan=rng.choice([True, True, False, None]),
        )
        for n in range(40)
        if rng.random() > 0.15
    ]


def main() -> None:
    """Renders charts and prints timings, size and memory."""
    process = psutil.Process()
    # Warm up fonts and caches, and let the cyclic garbage of discarded figures reach its
    # steady level (the collector frees it in batches, so RSS first rises, then plateaus).
    for seed in range(WARM_UP):
        render_progress_chart(sample_records(seed), TODAY, LABELS)
    render_progress_chart([], TODAY, LABELS)
    gc.collect()
    objects_before = len(gc.get_objects())

    timings, sizes, rss = [], [], [process.memory_info().rss]
    for seed in range(RENDERS):
        records = sample_records(seed)
        start = time.perf_counter()
        png = render_progress_chart(records, TODAY, LABELS)
        timings.append(time.perf_counter() - start)
        sizes.append(len(png))
        if (seed + 1) % 50 == 0:
            rss.append(process.memory_info().rss)
    gc.collect()
    objects_after = len(gc.get_objects())

    timings.sort()
    print(f"renders:      {RENDERS} after {WARM_UP} warm-up (800x450, 30 days, noisy data)")
    print(
        f"render time:  median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(RENDERS * 0.95)] * 1000:.1f} ms, max {timings[-1] * 1000:.1f} ms"
    )
    print(
        f"png size:     median {statistics.median(sizes) / 1024:.1f} KB, "
        f"max {max(sizes) / 1024:.1f} KB"
    )
    print(
        "rss every 50: " + ", ".join(f"{value / 2**20:.1f}" for value in rss) + " MB "
        f"(growth {(rss[-1] - rss[0]) / 2**20:+.1f} MB)"
    )
    print(
        f"gc objects:   {objects_before} before, {objects_after} after "
        f"({objects_after - objects_before:+d})"
    )


if __name__ == "__main__":
    main()
