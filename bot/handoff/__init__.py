"""Human coach handoff: coaches take over in the same chat, safely.

Public API (for the safety screen, the check-ins and others)::

    open_handoff(deps, *, reason, urgent) -> Handoff
    active_relay(session, person_id) -> Handoff | None
    alert_coach_of_crisis(deps, category, *, message=None) -> bool
    speaks_as_coach(session, person_id) -> bool   # coach mode or a closing note owed
    offer_after_hard_checkins(deps) -> "flow:handoff_offer" | None
    handoff_tick(app, now) -> TickReport      # the background check, callable directly

Modules: `models` (tables), `queue` (lifecycle, atomic claim), `coaches` (invites, duty),
`relay` (intercept: relay, buttons, notes; asking in words), `ticks` (alerts, timeouts),
`signing` (button HMAC), `hours`, `sharing`, `views`, `actions`, `cli`, `wiring`.
"""

from bot.handoff.api import (
    active_relay,
    alert_coach_of_crisis,
    offer_after_hard_checkins,
    open_handoff,
    speaks_as_coach,
)
from bot.handoff.models import Coach, Handoff
from bot.handoff.ticks import TickReport, handoff_tick

__all__ = [
    "Coach",
    "Handoff",
    "TickReport",
    "active_relay",
    "alert_coach_of_crisis",
    "handoff_tick",
    "offer_after_hard_checkins",
    "open_handoff",
    "speaks_as_coach",
]
