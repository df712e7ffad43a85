"""Saying things differently: which wording of a template a person hears this time.

A template may hold several wordings (see `render`). Each person's conversation remembers,
per template, which wordings they heard and on which day; the next one is a wording they
have not heard in the last week, else the one heard longest ago. People start at different
wordings (a seed from who they are), so two people rarely hear the same sentence either.
"""

from __future__ import annotations

WEEK = 7
KEEP_DAYS = 14  # older memories are dropped


def pick_variant(heard: list[list[int]], count: int, seed: int, today: int) -> int:
    """The wording to use now.

    Args:
        heard: [wording, day] pairs this person heard for this template (oldest first).
        count: how many wordings the template has.
        seed: a number of the person's, so people start at different wordings.
        today: today's day number (date ordinal).
    """
    last_day: dict[int, int] = {}
    for variant, day in heard:
        last_day[variant] = max(day, last_day.get(variant, day))
    order = [(seed + i) % count for i in range(count)]
    fresh = [v for v in order if today - last_day.get(v, -10**9) >= WEEK]
    if fresh:
        never = [v for v in fresh if v not in last_day]
        return never[0] if never else min(fresh, key=lambda v: last_day[v])
    return min(order, key=lambda v: (last_day[v], order.index(v)))


def remember(heard: list[list[int]], variant: int, today: int) -> list[list[int]]:
    """`heard` with this use added and old ones dropped."""
    kept = [pair for pair in heard if today - pair[1] < KEEP_DAYS]
    return [*kept, [variant, today]][-16:]
