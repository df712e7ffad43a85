"""Scheduling: when each person's next nudge is due, on their own wall clock."""

from bot.scheduling.recurrence import (
    is_stale,
    local_date,
    next_daily_at,
    next_on_weekday,
    on_local_date,
    shift_out_of_quiet_hours,
)

__all__ = [
    "is_stale",
    "local_date",
    "next_daily_at",
    "next_on_weekday",
    "on_local_date",
    "shift_out_of_quiet_hours",
]
