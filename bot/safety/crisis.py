"""The crisis response: the first screen on every message, the flow's actions, the record.

Order of work when `crisis_screen` finds a crisis in a message (in any state: before
onboarding, mid-plan, mid-check-in, during a coach relay):

1. the screen (registered with `SAFETY_FIRST`, so before every other screen) records a
   `SafetyEvent` (category and rule id, never the text), tells the coach if a relay is live
   (`alert_coach_of_crisis`, which passes the message on to that coach only, after the step
   commits), and schedules one follow-up an hour later (`safety_followup`, see followup.py);
2. it returns `Interrupt("crisis", ...)`: the engine stacks `flows/crisis.yaml` on top of
   whatever was going on, before anything else is said. The interrupted state never sees the
   text: no reflection runs and nothing is stored as an answer;
3. the flow's `enter` action loads the person's country's lines into facts; templates under
   `resources/templates/en/safety/crisis*` render them (no number is written in a template);
4. when the crisis flow ends, the engine asks the interrupted flow's question again.

A coach's own words in coach mode (or their closing note) are not screened: they are
addressed to the person they are helping ("if you feel like ending your life, call 988")
and must reach them.
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import timedelta

from sqlalchemy import select

from bot import metrics, yamlio
from bot.engine.actions import ActionResult
from bot.engine.messages import Inbound
from bot.engine.runtime import Interrupt
from bot.handoff import (
    alert_coach_of_crisis,
    in_coach_chat,
    open_handoff,
    speaks_as_coach,
    wait_facts,
    waiting_for_coach,
)
from bot.paths import safety_dir
from bot.ports import Call
from bot.ports import StepContext as Deps
from bot.referrals import crisis_directory, crisis_facts
from bot.safety.concern import CHECK, CHECK_REPEAT_MINUTES, UNCLEAR, concern_screen
from bot.safety.learned import learned_concern, rules_out
from bot.safety.models import SafetyEvent
from bot.safety.screen import CrisisSignal, clinical_screen, crisis_screen, told_over
from bot.scheduling.store import schedule_once
from bot.understanding import risk_facet

log = logging.getLogger(__name__)

CRISIS_FLOW = "crisis"
FOLLOWUP_KIND = "safety_followup"
FOLLOWUP_AFTER = timedelta(hours=1)
LEARNED = "learned"  # the rule id of a question the learned screen brought
SOMEONE_ELSE_FILE = "someone_else.yaml"  # how a message passes on someone else's words


async def screen_for_crisis(inbound: Inbound, deps: Deps) -> Interrupt | None:
    """Every inbound text, first of all: a crisis starts the crisis response."""
    if not inbound.text:
        return None
    signal = crisis_screen(inbound.text, deps.locale)
    if (inbound.forwarded or passes_on_words(inbound.text, deps.locale)) and (
            signal is None or signal.category != "violence"):
        return await someone_elses_words(inbound.text, signal, deps)
    if signal is None or signal.joking:  # "this exam is going to kill me lol": ask, don't alarm
        return await check_on_concern(deps, ask_reason(inbound.text, signal, deps.locale))
    if speaks_as_coach(deps.facts):
        return None
    metrics.crisis_screens.labels(signal.category).inc()
    await record_crisis(deps, signal, inbound.text)
    return Interrupt(CRISIS_FLOW, {
        "category": signal.category, "rule": signal.rule, "about_other": signal.about_other,
    })


def screen_verdict(text: str, locale: str = "en") -> str | None:
    """What the screens make of a message the person wrote themselves: "respond" (the full
    crisis response), "ask" (the direct question) or None; `screen_for_crisis` acts the same."""
    signal = crisis_screen(text, locale)
    if signal is not None and not signal.joking:
        return "respond"
    return "ask" if ask_reason(text, signal, locale) is not None else None


def ask_reason(text: str, signal: CrisisSignal | None, locale: str) -> str | None:
    """Why to ask the direct question about a message the rules did not plainly name a crisis
    in (crisis words said with a laugh count as not plain), or None."""
    if signal is not None and signal.joking:  # never ruled out: "kms lol" may be a mask
        return f"joking.{signal.rule}"[:64]
    return concern_reason(text, locale)


def concern_reason(text: str, locale: str) -> str | None:
    """Why to ask whether anyone is in danger (a cue id, "learned" or a feeling), or None.
    A cue or a feeling counts only when the learned screen does not rule a crisis out; a cue,
    like a rule, not in a message that tells of a danger that is over ("i tried to hang myself
    in 2014. rope snapped. now i think im the luckiest bloke alive" is a story)."""
    cue = concern_screen(text, locale=locale)
    if cue is not None:
        return None if rules_out(text, locale) or told_over(text, locale) else cue
    facet = risk_facet(text, locale)  # asked about beside a medicine question too: "should i
    if facet and not rules_out(text, locale):  # stop my antidepressants, whats the point"
        return f"feeling.{facet}"
    if clinical_screen(text, locale) is not None:
        return None  # a question about doses or medicines: the clinical boundary answers it
    return LEARNED if learned_concern(text, locale) else None


def weak_signal(text: str, locale: str) -> bool:
    """Whether a cue or a risky feeling, and no rule, speaks in `text` (the signals the learned
    screen's gate vouches for; training chooses the gate from these)."""
    if crisis_screen(text, locale) is not None:
        return False  # a rule answers, plainly or as a joke's question: the gate plays no part
    return (concern_screen(text, locale=locale) is not None
            or (clinical_screen(text, locale) is None and risk_facet(text, locale) is not None))


@functools.lru_cache(maxsize=4)
def _passed_on(locale: str) -> re.Pattern[str] | None:
    path = safety_dir(locale) / SOMEONE_ELSE_FILE
    if not path.is_file():
        return None
    patterns = yamlio.safe_load(path.read_text(encoding="utf-8")).get("patterns") or []
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def passes_on_words(text: str, locale: str = "en") -> bool:
    """Whether the message passes on someone else's words ("she texted me: '...'")."""
    pattern = _passed_on(locale)
    return bool(pattern and pattern.search(text.lower()))


async def someone_elses_words(text: str, signal: CrisisSignal | None,
                              deps: Deps) -> Interrupt | None:
    """A forwarded message that tells of danger: it is about the person who wrote it, so the
    response is for someone else (is that person safe, what to do for them)."""
    if speaks_as_coach(deps.facts):
        return None
    reason = None if signal is not None else concern_reason(text, deps.locale)
    if signal is None and reason is None:
        return None
    other = CrisisSignal(category=signal.category if signal else "suicide",
                         rule=signal.rule if signal else f"forwarded.{reason}"[:64],
                         about_other=True)
    metrics.crisis_screens.labels(other.category).inc()
    await record_crisis(deps, other, text)
    return Interrupt(CRISIS_FLOW, {"category": other.category, "rule": other.rule,
                                   "about_other": True, "forwarded": True})


async def check_on_concern(deps: Deps, cue: str | None) -> Interrupt | None:
    """An indirect sign (`cue`, from `ask_reason`): ask whether anyone is in danger, unless
    that was just asked."""
    if cue is None or speaks_as_coach(deps.facts):
        return None
    recent = (await deps.session.execute(
        select(SafetyEvent.id).where(SafetyEvent.person_id == deps.person.id,
                                     SafetyEvent.category == CHECK,
                                     SafetyEvent.created_at > deps.now - CHECK_REPEAT_MINUTES)
        .limit(1)
    )).first()
    if recent is not None:
        return None
    metrics.crisis_screens.labels(CHECK).inc()
    deps.session.add(SafetyEvent(person_id=deps.person.id, category=CHECK, rule=cue[:64],
                                 about_other=False, created_at=deps.now))
    log.info("a concern cue fired; asking whether anyone is in danger")
    return Interrupt(CRISIS_FLOW, {"category": UNCLEAR, "rule": cue[:64], "about_other": False})


async def answer_check(call: Call) -> ActionResult:
    """The answer to "is anyone in danger?": yes opens the crisis response in full."""
    answer = str(call.value)
    if answer == "no":
        return ActionResult()
    about_other = answer == "someone"
    signal = CrisisSignal(category="suicide", rule=f"check.{call.facts.get('rule') or ''}"[:64],
                          about_other=about_other)
    metrics.crisis_screens.labels(signal.category).inc()
    await record_crisis(call.deps, signal, "")
    return ActionResult(facts={"category": signal.category, "about_other": about_other,
                               "rule": signal.rule})


async def record_crisis(deps: Deps, signal: CrisisSignal, text: str) -> None:
    """The side effects of a crisis: the safety event, the coach alert, the follow-up."""
    deps.session.add(SafetyEvent(
        person_id=deps.person.id, category=signal.category, rule=signal.rule,
        about_other=signal.about_other, created_at=deps.now,
    ))
    log.info("crisis screen fired (category %s)", signal.category)
    if await alert_coach_of_crisis(deps, signal.category, message=text):
        log.info("the coach in a live relay was alerted to a crisis")
    await schedule_followup(deps)


async def schedule_followup(deps: Deps) -> None:
    """One follow-up per person, an hour after their latest crisis message."""
    await schedule_once(deps.session, deps.person.id, FOLLOWUP_KIND, deps.now + FOLLOWUP_AFTER,
                        deps.now)


async def open_crisis(call: Call) -> ActionResult:
    """Loads the person's country's emergency number and crisis lines into facts."""
    deps = call.deps
    person = deps.person
    category = str(call.facts.get("category") or "suicide")
    directory = crisis_directory(person.country, deps.settings.default_country)
    facts = crisis_facts(directory, category, person.pathway)
    # Their country is known and has no checked numbers: say so, guess none.
    facts["uncovered_country"] = person.country if directory is None else None
    facts["category"] = category
    facts["about_other"] = bool(call.facts.get("about_other"))
    facts["rule"] = str(call.facts.get("rule") or "")
    facts["own_country"] = person.country is not None
    facts["with_coach"] = in_coach_chat(deps.facts)
    # Already in the queue for a coach: no second offer; the request is made urgent.
    facts["coach_waiting"] = waiting_for_coach(deps.facts)
    facts["forwarded"] = bool(call.facts.get("forwarded"))
    return ActionResult(facts=facts)


async def ask_for_coach_now(call: Call) -> ActionResult:
    """An urgent handoff: queued at once, coaches alerted first, nothing shared but a number;
    facts say honestly whether a coach is on duty, and when one will be."""
    handoff = await open_handoff(call.deps, reason="crisis", urgent=True)
    return ActionResult(facts=wait_facts(call.deps, handoff))
