"""Check-in actions and the hook that keeps nudge rows in step with the person's settings.

Flows: `flows/checkin.yaml` (/checkin and the daily nudge), `checkin_time.yaml`,
`checkin_pause.yaml` (/pause), `checkin_quiet.yaml` (/quiet), `progress.yaml` (/progress);
/resume is in `flows/_commands.checkins.yaml`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.checkins.models import NOT_TO_PLAN, PARTLY, TO_PLAN
from bot.checkins.plan_steps import step_to_ask_about
from bot.checkins.progress_view import progress_snapshot
from bot.checkins.records import count_checkins, latest_checkins, save_checkin, save_milestone
from bot.checkins.schedule import (
    parse_hhmm,
    pause_end,
    preferences,
    preferences_for_update,
    reconcile_nudges,
    snooze_checkin,
)
from bot.engine.actions import ActionResult, Say
from bot.engine.render import code_template
from bot.handoff import offer_after_hard_checkins
from bot.ports import Call, StepContext
from bot.scheduling.recurrence import local_date, shift_out_of_quiet_hours

SNOOZE = timedelta(hours=1)
MILESTONE_SAVED = code_template("milestone/saved")
RESUMED = code_template("checkin/resumed")
PROGRESS_SUMMARY = code_template("progress/summary")
PROGRESS_EMPTY = code_template("progress/empty")
WEEKLY_SAVED = code_template("progress/weekly_saved")
HARD_MOOD = 2  # a mood at or below this is met as a hard day
HARD_RUN = 3  # this many hard check-ins in a row bring the offer of a coach
STRONG_CRAVING = 7  # a craving at or above this is talked through
MAX_PAUSE_DAYS = 60
# How each answer to "how did today go against your plan?" is stored, for every pathway.
WENT_TO_PLAN = {
    "stuck": TO_PLAN, "close_call": TO_PLAN, "used": NOT_TO_PLAN,
    "within": TO_PLAN, "bit_more": PARTLY, "more": NOT_TO_PLAN,
    "safer": TO_PLAN, "no_use": TO_PLAN, "some": PARTLY, "risky": NOT_TO_PLAN,
    "good": TO_PLAN, "mixed": PARTLY, "hard": NOT_TO_PLAN,
}
PLAN_STATES = ("plan_stopping", "plan_cutting_down", "plan_safer_use", "plan_open")
QUIET_PRESETS = {"night": ("22:00", "07:00"), "late": ("23:00", "08:00")}


def _zone(call: Call) -> str:
    return call.deps.person.timezone or "UTC"


def _mood(answers: dict[str, Any]) -> int | None:
    value = answers.get("mood") or answers.get("mood_nudge")
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _went(answers: dict[str, Any]) -> str | None:
    for state in PLAN_STATES:
        if answers.get(state) in WENT_TO_PLAN:
            return WENT_TO_PLAN[answers[state]]
    return None


SCHEDULE_FIELDS = ("checkin_time", "timezone", "active", "onboarded_at")


async def keep_nudges_in_step(inbound: Any, conv: Any, deps: StepContext) -> None:
    """After a message that changed the person's check-in time, zone or reachability, their
    nudge rows follow (other changes, like a pause, reconcile where they happen)."""
    before = deps.person_before
    if any(before.get(name) != getattr(deps.person, name) for name in SCHEDULE_FIELDS):
        await reconcile_nudges(deps.session, deps.person, deps.now)


async def begin(call: Call) -> ActionResult:
    """Notes whether this check-in was scheduled and which plan step to ask about."""
    step = await step_to_ask_about(call.deps.session, call.deps.person, call.deps.now)
    return ActionResult(facts={"scheduled": bool(call.facts.get("scheduled")), "step": step})


async def weigh(call: Call) -> ActionResult:
    """Decides whether today was a hard day (low mood or a day off plan), to meet it warmly."""
    mood = _mood(call.answers)
    went = _went(call.answers)
    lapse = went == NOT_TO_PLAN
    hard = _hard(mood, went)
    craving = call.answers.get("craving")
    strong = craving is not None and int(craving) >= STRONG_CRAVING
    close_call = call.answers.get("plan_stopping") == "close_call"
    before = await count_checkins(call.deps.session, call.deps.person.id)
    return ActionResult(facts={"hard_day": hard, "lapse": lapse, "checkins_before": before,
                               "strong_craving": strong, "close_call": close_call,
                               "good_day": not hard and went == TO_PLAN})


async def record(call: Call) -> ActionResult:
    """Stores the check-in for the person's local today (beside any earlier one today)."""
    deps = call.deps
    craving = call.answers.get("craving")
    notes = [call.answers.get(k) for k in ("what_happened", "helped", "tomorrow")]
    note = "\n".join(str(n) for n in notes if n) or None
    await save_checkin(
        deps.session, deps.person.id, local_date(deps.now, _zone(call)), deps.now,
        mood=_mood(call.answers), craving=int(craving) if craving is not None else None,
        went_to_plan=_went(call.answers), note=note,
    )
    latest = await latest_checkins(deps.session, deps.person.id, HARD_RUN)
    hard_run = len(latest) == HARD_RUN and all(_hard(mood, went) for mood, went in latest)
    offer = await offer_after_hard_checkins(deps) if hard_run else None
    return ActionResult(facts={"checkins": await count_checkins(deps.session, deps.person.id),
                               "offer_coach": offer})


def _hard(mood: int | None, went: str | None) -> bool:
    """A hard check-in: a low mood or a day off plan."""
    return went == NOT_TO_PLAN or (mood is not None and mood <= HARD_MOOD)


async def record_milestone(call: Call) -> ActionResult:
    """`progress.record_milestone`: keeps their good news in their progress, if they said yes."""
    if call.value != "yes":
        return ActionResult(facts={"recorded": False})
    deps = call.deps
    heard = call.facts.get("heard") or {}
    told = call.answers.get("celebrate")
    note = "\n".join(str(x) for x in (heard.get("text"), told) if x) or None
    await save_milestone(deps.session, deps.person.id, local_date(deps.now, _zone(call)),
                         deps.now, note)
    return ActionResult(facts={"recorded": True}, say=[Say(MILESTONE_SAVED)])


async def snooze(call: Call) -> ActionResult:
    """Brings the check-in back in an hour (or when quiet hours end)."""
    deps = call.deps
    zone = _zone(call)
    prefs = await preferences(deps.session, deps.person.id)
    until = shift_out_of_quiet_hours(
        deps.now + SNOOZE,
        parse_hhmm(prefs.quiet_start) if prefs else None,
        parse_hhmm(prefs.quiet_end) if prefs else None,
        zone,
    )
    await snooze_checkin(deps.session, deps.person.id, until, deps.now)
    return ActionResult(facts={"snooze_until": until.astimezone(ZoneInfo(zone)).strftime("%H:%M")})


async def read_pause_args(call: Call) -> ActionResult:
    """`/pause 3` pauses for three days straight away; plain `/pause` asks how long."""
    text = str(call.facts.get("args") or "").strip().split(" ")[0]
    days = int(text) if text.isdigit() and 1 <= int(text) <= MAX_PAUSE_DAYS else None
    return ActionResult(facts={"days": days})


async def pause(call: Call) -> ActionResult:
    """No nudges for the chosen number of days; they start again by themselves."""
    deps = call.deps
    days = call.facts.get("days") or int(call.answers.get("ask") or 1)
    prefs = await preferences_for_update(deps.session, deps.person.id, deps.now)
    prefs.paused_until = pause_end(local_date(deps.now, _zone(call)), int(days))
    await deps.session.flush()
    await reconcile_nudges(deps.session, deps.person, deps.now, force=True)
    return ActionResult(facts={"days": int(days)})


async def resume(call: Call) -> ActionResult:
    """Ends a pause now."""
    deps = call.deps
    prefs = await preferences(deps.session, deps.person.id)
    was_paused = bool(prefs and prefs.paused_until)
    if prefs is not None:
        prefs.paused_until = None
        await deps.session.flush()
    await reconcile_nudges(deps.session, deps.person, deps.now, force=True)
    return ActionResult(say=[Say(RESUMED, {"was_paused": was_paused})])


async def set_quiet(call: Call) -> ActionResult:
    """Sets or clears quiet hours (no nudges between them) and moves due nudges out of them."""
    deps = call.deps
    choice = call.answers.get("choose")
    start: str | None
    end: str | None
    if choice in QUIET_PRESETS:
        start, end = QUIET_PRESETS[choice]
    elif choice == "custom":
        start, end = call.answers.get("quiet_from"), call.answers.get("quiet_until")
    else:
        start = end = None
    if start is not None and start == end:
        start = end = None  # an empty window means no quiet hours
    prefs = await preferences_for_update(deps.session, deps.person.id, deps.now)
    prefs.quiet_start, prefs.quiet_end = start, end
    await deps.session.flush()
    await reconcile_nudges(deps.session, deps.person, deps.now, force=True)
    return ActionResult(facts={"quiet_start": start, "quiet_end": end})


async def show_progress(call: Call) -> ActionResult:
    """Sends the chart of the last 30 days with a summary that never counts back to zero."""
    deps = call.deps
    context, chart = await progress_snapshot(
        deps.session, deps.services.renderer(deps.locale), deps.person.id,
        local_date(deps.now, _zone(call)), deps.person.country,
    )
    prefs = await preferences(deps.session, deps.person.id)
    facts = {"has_checkins": chart is not None, "weekly": bool(prefs and prefs.weekly_summary)}
    if chart is None:
        return ActionResult(facts=facts, say=[Say(PROGRESS_EMPTY)])
    return ActionResult(facts=facts, say=[Say(PROGRESS_SUMMARY, context, attachment=chart)])


async def set_weekly(call: Call) -> ActionResult:
    """Turns the Sunday summary on or off."""
    deps = call.deps
    wanted = call.value in ("yes", "keep")
    prefs = await preferences_for_update(deps.session, deps.person.id, deps.now)
    prefs.weekly_summary = wanted
    await deps.session.flush()
    await reconcile_nudges(deps.session, deps.person, deps.now, force=True)
    return ActionResult(say=[Say(WEEKLY_SAVED, {"on": wanted})])
