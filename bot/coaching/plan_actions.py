"""Actions behind flows/plan.yaml: keep the plan's lists, save versions, show, history, export.

The plan flow asks; these actions keep what the person said. While the plan is being written
the answers live in the conversation (so /cancel and a restart lose nothing); the lists
(steps, helpers, obstacles) are gathered in `facts` one item at a time; a finished plan, and
every change to one part, is saved as a new encrypted version (see `plans.py`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.coaching.export import render_document
from bot.coaching.plans import (
    LIST_PARTS,
    PARTS,
    WHOLE_PLAN,
    PlanStep,
    SavedVersion,
    all_versions,
    current_version,
    empty_content,
    has_anything,
    save_version,
    with_part,
)
from bot.coaching.when import EVERY_DAY, When, read_when
from bot.engine.actions import ActionResult, Say
from bot.engine.inputs import normalise
from bot.engine.render import code_template
from bot.ports import Call, StepContext

PLAN_SAVED = "plan.saved"  # event: told to other domains after every new plan version

VIEW = code_template("plan/view")
SUMMARY = code_template("plan/summary")
HISTORY = code_template("plan/history")
EXPORT_SENT = code_template("plan/export_sent")
EXPORT_HTML = code_template("plan/export.html")
REFLECT_WHEN = code_template("plan/reflect_when")
INVALID_WHEN = code_template("plan/invalid_when")
PART_SAVED = code_template("plan/part_saved")
PART_UNCHANGED = code_template("plan/part_unchanged")
PLAN_MACROS = code_template("plan/macros")  # imported by the plan's display templates
COACHING_MACROS = code_template("coaching/macros")  # how coaching templates quote a person

# The two questions of each list loop: the item's first and second answer.
LOOPS: dict[str, tuple[str, str]] = {
    "steps": ("step_text", "step_when"),
    "helpers": ("helper_who", "helper_how"),
    "obstacles": ("obstacle", "obstacle_response"),
}
ITEM_KEYS = {"helpers": ("who", "how"), "obstacles": ("obstacle", "response")}
LIST_OF_STATE = {"more_steps": "steps", "more_helpers": "helpers", "more_obstacles": "obstacles"}
# Answers (by state name) that make up each scalar part.
SCALAR_STATES = {key for part, keys in PARTS.items() if part not in LIST_PARTS for key in keys}
EXPORT_STEM = "my-change-plan"


# ---------------------------------------------------------------- helpers


def local_zone(call: Call) -> ZoneInfo:
    """The person's time zone (UTC when they haven't said)."""
    try:
        return ZoneInfo(call.deps.person.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of `moment` where the person lives."""
    return moment.astimezone(zone).date()


def step_view(item: dict[str, Any]) -> dict[str, Any]:
    """A stored step for templates: `date` becomes a date object."""
    step = PlanStep.from_json(item)
    return {"text": step.text, "weekdays": list(step.weekdays), "date": step.on_date}


def content_view(content: dict[str, Any]) -> dict[str, Any]:
    """Plan content for templates (every key present; steps with real dates)."""
    view = {**empty_content(), **content}
    view["steps"] = [step_view(item) for item in view.get("steps") or []]
    return view


def plan_view(saved: SavedVersion, zone: ZoneInfo) -> dict[str, Any]:
    """What the plan templates get: the content plus its version and local date."""
    return {
        **content_view(saved.content),
        "version": saved.version,
        "updated": local_date(saved.created_at, zone),
    }


def fresh_facts() -> dict[str, Any]:
    """Facts for writing a plan from the beginning."""
    facts: dict[str, Any] = {"mode": "build", "editing": None}
    for name in LIST_PARTS:
        facts[name] = []
        facts[f"{name}_n"] = 0
    return facts


def put_item(facts: dict[str, Any], name: str, item: dict[str, Any]) -> None:
    """Store the loop's current item (going back and answering again replaces it)."""
    items = list(facts.get(name) or [])
    index = int(facts.get(f"{name}_n") or 0)
    if index < len(items):
        items[index] = item
    else:
        items.append(item)
    facts[name] = items


def content_from_answers(call: Call) -> dict[str, Any]:
    """A whole plan from the conversation's answers and gathered lists."""
    content = empty_content()
    for key in SCALAR_STATES:
        content[key] = call.answers.get(key)
    for name in LIST_PARTS:
        content[name] = list(call.facts.get(name) or [])
    return content


# ---------------------------------------------------------------- opening /plan


async def _save_and_tell(deps: StepContext, content: dict[str, Any], changed: str) -> SavedVersion:
    """Saves a new plan version and tells other domains (step reminders follow the plan)."""
    saved = await save_version(deps.session, deps.person.id, content, changed, deps.now)
    await deps.emit(PLAN_SAVED)
    return saved


async def open_plan(call: Call) -> ActionResult:
    """Looks for the person's plan: show it if there is one, else get ready to write one."""
    saved = await current_version(call.deps.session, call.deps.person.id)
    if saved is None:
        return ActionResult(facts={"has_plan": False, **fresh_facts()})
    return ActionResult(facts={"has_plan": True, "mode": "view", "editing": None})


async def begin_build(call: Call) -> ActionResult:
    """Clears earlier answers so a new plan starts from a blank page (the old one is kept)."""
    for state in [*SCALAR_STATES, *(s for pair in LOOPS.values() for s in pair)]:
        call.answers.pop(state, None)
    return ActionResult(facts=fresh_facts())


# ---------------------------------------------------------------- the lists


async def keep_step(call: Call) -> ActionResult:
    """Keeps the step just described with its days (weekdays, a date, or none)."""
    value = str(call.value or "")
    words = call.deps.services.words(call.deps.locale)
    if value.isdigit() and 0 <= int(value) <= 6:
        when: When | None = When(weekdays=(int(value),))
    elif value == "every":
        when = When(weekdays=EVERY_DAY)
    elif value == "any" or normalise(value) in words.skip | words.none | words.no:
        when = When()
    else:
        today = local_date(call.deps.now, local_zone(call))
        when = read_when(value, today, call.deps.locale)
    if when is None:
        return ActionResult(say=[Say(INVALID_WHEN, {"typed": value})], goto="step_when")
    step = PlanStep(str(call.answers.get("step_text") or ""), when.weekdays, when.on_date)
    put_item(call.facts, "steps", step.to_json())
    return ActionResult(
        facts={"steps": call.facts["steps"]},
        say=[Say(REFLECT_WHEN, {"step": step_view(step.to_json())})],
    )


async def keep_item(call: Call) -> ActionResult:
    """Keeps the helper or obstacle just described (on entering the 'add another?' question)."""
    name = LIST_OF_STATE[str(call.state)]
    first, second = LOOPS[name]
    if call.answers.get(first) is None:
        return ActionResult()
    key_a, key_b = ITEM_KEYS[name]
    put_item(call.facts, name, {key_a: call.answers.get(first), key_b: call.answers.get(second)})
    return ActionResult(facts={name: call.facts[name]})


async def more(call: Call) -> ActionResult:
    """'Add another': the next answers make a new item, not a change to the last one."""
    if call.value != "add":
        return ActionResult()
    name = LIST_OF_STATE[str(call.state)]
    for state in LOOPS[name]:
        call.answers.pop(state, None)
    return ActionResult(facts={f"{name}_n": len(call.facts.get(name) or [])})


# ---------------------------------------------------------------- saving


async def save_all(call: Call) -> ActionResult:
    """Saves the plan just written as a new version and sums it up in the person's words."""
    content = content_from_answers(call)
    if not has_anything(content):
        return ActionResult(facts={"saved": False})
    deps = call.deps
    saved = await _save_and_tell(deps, content, WHOLE_PLAN)
    view = plan_view(saved, local_zone(call))
    return ActionResult(
        facts={"saved": True, "has_plan": True, "mode": "view"},
        say=[Say(SUMMARY, {"plan": view})],
    )


async def begin_edit(call: Call) -> ActionResult:
    """Gets ready to change one part: forget its old answers, load its current list."""
    part = str(call.value)
    if part not in PARTS:
        return ActionResult(facts={"mode": "view", "editing": None})
    for key in PARTS[part]:
        call.answers.pop(key, None)
    facts: dict[str, Any] = {"mode": "edit", "editing": part}
    saved = await current_version(call.deps.session, call.deps.person.id)
    current = saved.content if saved else empty_content()
    facts["current_text"] = current.get(part) if part in ("changes", "reasons", "signs") else None
    facts["current_number"] = current.get(part) if part in ("importance", "confidence") else None
    if part in LIST_PARTS:
        for state in LOOPS[part]:
            call.answers.pop(state, None)
        items = list(current.get(part) or [])
        facts.update({part: items, f"{part}_n": len(items)})
        facts["current_items"] = items
    return ActionResult(facts=facts)


async def list_mode(call: Call) -> ActionResult:
    """Add to a list, or write it afresh."""
    part = str(call.facts.get("editing"))
    if call.value == "cancel":
        return ActionResult(facts={"mode": "view", "editing": None})
    if call.value == "afresh":
        return ActionResult(facts={part: [], f"{part}_n": 0})
    return ActionResult()


async def save_part(call: Call) -> ActionResult:
    """Saves the changed part as a new version (unless nothing changed) and shows it."""
    deps = call.deps
    part = str(call.facts.get("editing"))
    saved = await current_version(deps.session, deps.person.id)
    current = saved.content if saved else empty_content()
    values: dict[str, Any]
    if part in LIST_PARTS:
        values = {part: list(call.facts.get(part) or [])}
    else:
        values = {key: call.answers.get(key) for key in PARTS[part]}
    done = {"mode": "view", "editing": None}
    if values[PARTS[part][0]] in (None, "") or all(current.get(k) == v for k, v in values.items()):
        return ActionResult(facts=done, say=[Say(PART_UNCHANGED, {"part": part})])
    content = with_part(current, part, values)
    new = await _save_and_tell(deps, content, part)
    view = plan_view(new, local_zone(call))
    return ActionResult(facts=done, say=[Say(PART_SAVED, {"part": part, "plan": view})])


# ---------------------------------------------------------------- looking at it


async def show(call: Call) -> ActionResult:
    """Shows the current plan, formatted for reading in a chat."""
    saved = await current_version(call.deps.session, call.deps.person.id)
    if saved is None:
        return ActionResult()
    return ActionResult(say=[Say(VIEW, {"plan": plan_view(saved, local_zone(call))})])


async def history(call: Call) -> ActionResult:
    """Lists every version with its date and what changed."""
    zone = local_zone(call)
    versions = await all_versions(call.deps.session, call.deps.person.id)
    entries = []
    previous: dict[str, Any] | None = None
    for saved in versions:
        entries.append({
            "version": saved.version,
            "date": local_date(saved.created_at, zone),
            "changed": saved.changed_field,
            "before": content_view(previous) if previous else None,
            "after": content_view(saved.content),
        })
        previous = saved.content
    return ActionResult(say=[Say(HISTORY, {"versions": entries})])


async def export(call: Call) -> ActionResult:
    """Sends the plan as an HTML document the person can keep, print or share."""
    saved = await current_version(call.deps.session, call.deps.person.id)
    if saved is None:
        return ActionResult()
    zone = local_zone(call)
    view = plan_view(saved, zone)
    renderer = call.deps.services.renderer(call.deps.locale)
    stem = f"{EXPORT_STEM}-{local_date(call.deps.now, zone).isoformat()}"
    person = {"name": call.deps.person.preferred_name}
    document = render_document(renderer, EXPORT_HTML, {"plan": view, "person": person},
                               stem=stem)
    return ActionResult(say=[Say(EXPORT_SENT, {"plan": view}, attachment=document)])
