"""Actions the handoff flows and commands call: asking for a coach, consent, /end, duty, queue.

Flows: `flows/handoff.yaml` (/coach), `flows/handoff_offer.yaml` (after hard check-ins),
`flows/coach_join.yaml` (/coach_join CODE). Commands: `flows/_commands.handoff.yaml`.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.engine.actions import ActionResult, Say
from bot.engine.render import code_template
from bot.handoff import coaches as coach_store
from bot.handoff import queue as q
from bot.handoff.models import CLAIMED, REASON_ASKED, REASON_CHECKINS, REASONS, Coach
from bot.handoff.sharing import shareable
from bot.handoff.views import (
    claim_buttons,
    handoff_context,
    has_flow_in_progress,
    hours_context,
    rating_buttons,
    user_key_of,
)
from bot.ports import Call, StepContext

log = logging.getLogger(__name__)

MAX_QUEUE_SHOWN = 10
NOTE_LIMIT = 1000

T = {name: code_template(f"handoff/{name}") for name in (
    "nothing_to_end", "withdrawn", "closed_by_you", "closed_by_coach",
)}
C = {name: code_template(f"coach/{name}") for name in (
    "not_a_coach", "you_ended", "person_ended", "duty_on", "duty_off", "duty_status",
    "queue", "queue_item",
)}


async def _coach(call: Call) -> Coach | None:
    return await coach_store.coach_for(call.deps.session, call.deps.person.id)


def _refuse_non_coach() -> ActionResult:
    log.info("refused a coach command from someone who is not a coach")
    return ActionResult(say=[Say(C["not_a_coach"])])


# ---------------------------------------------------------------- asking for a coach


async def open_for_person(call: Call) -> ActionResult:
    """Finds or opens the person's handoff; says what there is to choose to share."""
    deps = call.deps
    reason = str(call.facts.get("reason") or REASON_ASKED)
    handoff = await q.start_handoff(
        deps.session, deps.person.id, deps.now,
        reason=reason if reason in REASONS else REASON_ASKED,
        urgent=bool(call.facts.get("urgent")),
    )
    status = "choosing"
    if handoff.status == CLAIMED:
        status = "claimed"
    elif handoff.consent_done:
        status = "queued"
    facts = {"status": status, "number": handoff.number, "urgent": handoff.urgent}
    facts.update((await shareable(deps.session, deps.person)).facts())
    return ActionResult(facts=facts)


async def record_share_choice(call: Call) -> ActionResult:
    """Records one yes/no: may the coach see this? (the state's name says what)."""
    handoff = await q.active_handoff(call.deps.session, call.deps.person.id)
    if handoff is not None and call.state and call.state.startswith("share_"):
        q.set_consent(handoff, call.state.removeprefix("share_"), call.value == "yes")
    return ActionResult()


async def queue_for_coaches(call: Call) -> ActionResult:
    """Puts the handoff in the queue (coaches are told by the tick) and says what happens next."""
    deps = call.deps
    handoff = await q.active_handoff(deps.session, deps.person.id)
    facts: dict[str, Any] = {"queued": handoff is not None,
             "timeout_minutes": deps.settings.handoff_claim_timeout_minutes}
    if handoff is not None:
        handoff.consent_done = True
        q.queue(handoff, deps.now)
        facts.update(shared=q.shared_items(handoff), number=handoff.number)
    facts.update(hours_context(deps.settings, deps.now, deps.person.timezone))
    return ActionResult(facts=facts)


async def accept_offer(call: Call) -> ActionResult:
    """The person said yes to a coach after hard check-ins: open it with that reason."""
    deps = call.deps
    await q.start_handoff(deps.session, deps.person.id, deps.now, reason=REASON_CHECKINS,
                          urgent=False)
    return ActionResult()


# ---------------------------------------------------------------- /end


async def end_chat(call: Call) -> ActionResult:
    """/end: a coach closes the chat they hold; a person closes theirs or leaves the queue."""
    deps = call.deps
    session, now, settings = deps.session, deps.now, deps.settings
    coach = await _coach(call)
    held = await q.held_by(session, coach.id) if coach is not None else None
    if coach is not None and held is not None:
        q.close(held, "coach", now)
        q.audit(session, held.id, coach.id, "end", now)
        person_key = await user_key_of(session, held.person_id)
        context = {"coach_name": coach.display_name, "number": held.number,
                   "has_flow": await has_flow_in_progress(session, held.person_id)}
        return ActionResult(reprompt=False, say=[
            Say(C["you_ended"], {"number": held.number}),
            Say(T["closed_by_coach"], context, to=person_key,
                buttons=rating_buttons(settings, held)),
        ])
    handoff = await q.active_handoff(session, deps.person.id)
    if handoff is None:
        return ActionResult(say=[Say(T["nothing_to_end"])])
    ending_our_flow = call.flow in ("handoff", "handoff_offer")
    if handoff.status != CLAIMED:
        q.close(handoff, "person", now)
        return ActionResult(say=[Say(T["withdrawn"], {"number": handoff.number})],
                            goto="end" if ending_our_flow else None)
    q.close(handoff, "person", now)
    says = [Say(T["closed_by_you"], {"number": handoff.number, "coach_name": None},
                buttons=rating_buttons(settings, handoff))]
    if handoff.coach_id is not None:
        held_coach = await session.get(Coach, handoff.coach_id)
        coach_key = await coach_store.coach_key(session, handoff.coach_id)
        if held_coach is not None:
            says[0] = Say(T["closed_by_you"], {"number": handoff.number,
                                               "coach_name": held_coach.display_name},
                          buttons=rating_buttons(settings, handoff))
        if coach_key:
            says.append(Say(C["person_ended"], {"number": handoff.number}, to=coach_key))
    return ActionResult(say=says)


# ---------------------------------------------------------------- coach commands


async def set_duty(call: Call) -> ActionResult:
    """/duty on|off: whether this coach is alerted about new handoffs."""
    coach = await _coach(call)
    if coach is None:
        return _refuse_non_coach()
    choice = call.args.strip().lower()
    if choice in ("on", "off"):
        coach.on_duty = choice == "on"
        waiting = len(await q.waiting_queue(call.deps.session))
        template = C["duty_on"] if coach.on_duty else C["duty_off"]
        return ActionResult(say=[Say(template, {"waiting": waiting})])
    return ActionResult(say=[Say(C["duty_status"], {"on_duty": coach.on_duty})])


async def show_queue(call: Call) -> ActionResult:
    """/queue: waiting handoffs, urgent first then oldest, each with a Claim button."""
    coach = await _coach(call)
    if coach is None:
        return _refuse_non_coach()
    deps = call.deps
    waiting = await q.waiting_queue(deps.session)
    says = [Say(C["queue"], {"count": len(waiting), "shown": min(len(waiting),
                                                                  MAX_QUEUE_SHOWN)})]
    for handoff in waiting[:MAX_QUEUE_SHOWN]:
        says.append(Say(C["queue_item"], handoff_context(handoff, deps.now),
                        buttons=claim_buttons(deps.settings, handoff)))
    return ActionResult(say=says)


# ---------------------------------------------------------------- joining as a coach


async def check_invite(call: Call) -> ActionResult:
    """/coach_join CODE: checks the code; registers at once when the invite names the coach."""
    deps = call.deps
    if await _coach(call) is not None:
        return ActionResult(facts={"join": "already"})
    invite = await coach_store.usable_invite(deps.session, str(call.facts.get("args", "")),
                                             deps.now)
    if invite is None:
        log.info("a coach invite code was refused (unknown, used or expired)")
        return ActionResult(facts={"join": "invalid"})
    if invite.display_name:
        coach = await coach_store.register_coach(deps.session, invite, deps.person.id,
                                                 invite.display_name, deps.now)
        if coach is None:
            return ActionResult(facts={"join": "invalid"})
        _joining_is_consent(deps)
        return ActionResult(facts={"join": "joined", "coach_name": coach.display_name})
    return ActionResult(facts={"join": "ask_name", "invite_id": invite.id})


async def join_with_name(call: Call) -> ActionResult:
    """Registers the coach under the name they gave."""
    deps = call.deps
    invite = await coach_store.invite_by_id(deps.session, int(call.facts["invite_id"]),
                                            deps.now)
    name = str(call.value).strip()
    coach = None
    if invite is not None:
        coach = await coach_store.register_coach(deps.session, invite, deps.person.id, name,
                                                 deps.now)
    if coach is None:
        return ActionResult(facts={"join": "invalid"})
    _joining_is_consent(deps)
    return ActionResult(facts={"join": "joined", "coach_name": coach.display_name})


def _joining_is_consent(deps: StepContext) -> None:
    """A coach who joins with an invite has agreed to what the bot keeps about them (their
    name as a coach, their chats): their own commands then work like anyone's."""
    if deps.person.consented_at is None:
        deps.person.consented_at = deps.now
