"""Human coach handoff: coaches take over in the same chat, safely.

Public API (for the safety screen, the check-ins and others)::

    open_handoff(deps, *, reason, urgent) -> Handoff
    active_relay(session, person_id) -> Handoff | None
    alert_coach_of_crisis(deps, category, *, message=None) -> bool   # sent after commit
    offer_after_hard_checkins(deps) -> "flow:handoff_offer" | None
    wait_facts(deps, handoff) -> dict   # number, on duty or when, how long before news
    role_of(facts) -> Role; speaks_as_coach(facts); in_coach_chat(facts); waiting_for_coach
    handoff_tick(services, now, transport) -> TickReport    # the background check

Modules: `models` (tables), `queue` (lifecycle, atomic claim), `coaches` (invites, duty),
`roles` (who is speaking), `relay` (intercept: relay, buttons, notes; asking in words),
`ticks` (alerts, timeouts), `signing` (button HMAC), `hours`, `sharing`, `views`, `actions`,
`cli`, `wiring` (what the package registers).
"""

from bot.handoff.api import (
    active_relay,
    alert_coach_of_crisis,
    offer_after_hard_checkins,
    open_handoff,
    wait_facts,
)
from bot.handoff.models import Coach, Handoff
from bot.handoff.roles import Role, in_coach_chat, role_of, speaks_as_coach, waiting_for_coach
from bot.handoff.ticks import TickReport, handoff_tick

__all__ = [
    "Coach",
    "Handoff",
    "Role",
    "TickReport",
    "active_relay",
    "alert_coach_of_crisis",
    "handoff_tick",
    "in_coach_chat",
    "offer_after_hard_checkins",
    "open_handoff",
    "role_of",
    "speaks_as_coach",
    "wait_facts",
    "waiting_for_coach",
]
