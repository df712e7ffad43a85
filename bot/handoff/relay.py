"""The live relay, coach buttons, the closing note, and asking for a person in words.

Who is speaking is a pure policy, `roles.role_of`, over facts read with the person: a coach
who holds a claimed handoff is in *coach mode*: every plain message they send goes to that
person, and commands still work (/end, /queue...). A coach who just closed a chat has their
next message taken as the closing note ("skip" for none). Otherwise a coach talks to the bot
like anyone else. A person whose handoff is claimed has their plain messages relayed to the
coach; the safety screen still runs on them first (it is engine step 1, before this intercept).

Buttons `h:...` are ours, signed (see `signing.py`): Claim is for coaches only, the rating
is for the handoff's own person only. Anything else is refused politely and logged without
ids or text.
"""

from __future__ import annotations

import functools
import logging
import re

from bot import yamlio
from bot.engine.actions import Say
from bot.engine.inputs import normalise
from bot.engine.messages import Inbound, InboundKind
from bot.engine.render import code_template
from bot.engine.runtime import Interrupt
from bot.engine.state import ConversationState
from bot.handoff import coaches as coach_store
from bot.handoff import queue as q
from bot.handoff.models import CLOSED, Coach, Handoff
from bot.handoff.roles import Role, role_of
from bot.handoff.sharing import coach_view
from bot.handoff.signing import ButtonData, is_handoff_button, verify
from bot.handoff.views import RATINGS, handoff_context, user_key_of
from bot.paths import RESOURCES_DIR
from bot.ports import StepContext as Deps

log = logging.getLogger(__name__)

PHRASES_FILE = RESOURCES_DIR / "handoff" / "ask_for_a_person.yaml"
HANDOFF_FLOW = "handoff"
NOTE_LIMIT = 1000

T = {name: code_template(f"handoff/{name}") for name in (
    "from_coach", "coach_here", "button_refused", "not_for_you", "rating_thanks",
    "rating_already",
)}
C = {name: code_template(f"coach/{name}") for name in (
    "from_person", "claimed", "taken", "gone", "own", "busy", "note_saved", "note_skipped",
)}


@functools.lru_cache(maxsize=4)
def _phrase_pattern(locale: str) -> re.Pattern[str] | None:
    data = yamlio.safe_load(PHRASES_FILE.read_text(encoding="utf-8")) or {}
    phrases = [normalise(str(p)) for p in data.get(locale) or []]
    if not phrases:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b")


def asks_for_a_person(text: str, locale: str = "en") -> bool:
    """Whether a message asks for a human (phrases in resources/handoff/)."""
    pattern = _phrase_pattern(locale)
    cleaned = re.sub(r"[^\w\s']", " ", normalise(text))
    return bool(pattern and pattern.search(re.sub(r"\s+", " ", cleaned)))


# ---------------------------------------------------------------- asking in words


async def ask_for_a_person(inbound: Inbound, deps: Deps) -> Interrupt | None:
    """ "Can I talk to a real person?" starts the handoff flow, like /coach.

    The crisis screen runs before every other screen (`SAFETY_FIRST`), so a crisis is never
    answered with a queue. In a live coach chat the words go to the coach instead.
    """
    if not inbound.text or not asks_for_a_person(inbound.text, deps.locale):
        return None
    if role_of(deps.facts) in (Role.IN_COACH_CHAT, Role.COACH_IN_CHAT):
        return None
    return Interrupt(HANDOFF_FLOW, {"reason": "asked"})


# ---------------------------------------------------------------- relay and buttons


async def handoff_intercept(
    inbound: Inbound, state: ConversationState, deps: Deps
) -> list[Say] | None:
    """Coach buttons, the relay both ways, and the coach's closing note."""
    if inbound.kind is InboundKind.BUTTON and is_handoff_button(inbound.button):
        return await _press(str(inbound.button), deps)
    if inbound.kind is not InboundKind.TEXT or not (inbound.text or "").strip():
        return None
    text = (inbound.text or "").strip()
    role = role_of(deps.facts)
    if role is Role.PERSON or role is Role.COACH:
        return None  # most messages: on to the flows, at no query of our own
    if role is Role.IN_COACH_CHAT:
        relay = await q.active_relay(deps.session, deps.person.id)
        return None if relay is None else await _person_says(deps, relay, text)
    coach = await coach_store.coach_for(deps.session, deps.person.id)
    if coach is None:
        return None
    if role is Role.COACH_IN_CHAT:
        held = await q.held_by(deps.session, coach.id)
        return None if held is None else await _coach_says(deps, coach, held, text)
    pending = await q.pending_note(deps.session, coach.id)
    return None if pending is None else _take_note(deps, coach, pending, text)


async def _coach_says(deps: Deps, coach: Coach, handoff: Handoff, text: str) -> list[Say]:
    q.record_message(deps.session, handoff, "coach", text, deps.now)
    person_key = await user_key_of(deps.session, handoff.person_id)
    return [Say(T["from_coach"], {"coach_name": coach.display_name, "text": text},
                to=person_key)]


async def _person_says(deps: Deps, handoff: Handoff, text: str) -> list[Say]:
    q.record_message(deps.session, handoff, "person", text, deps.now)
    if handoff.coach_id is None:
        return []
    coach_key = await coach_store.coach_key(deps.session, handoff.coach_id)
    if coach_key is None:
        return []
    return [Say(C["from_person"], {"number": handoff.number, "text": text}, to=coach_key)]


def _take_note(deps: Deps, coach: Coach, handoff: Handoff, text: str) -> list[Say]:
    handoff.note_pending = False
    if normalise(text) in deps.services.words(deps.locale).skip:
        return [Say(C["note_skipped"], {"number": handoff.number})]
    handoff.note = text[:NOTE_LIMIT]
    q.audit(deps.session, handoff.id, coach.id, "note", deps.now)
    return [Say(C["note_saved"], {"number": handoff.number})]


async def _press(data: str, deps: Deps) -> list[Say]:
    button = verify(deps.settings, data)
    if button is None:
        log.warning("refused handoff button data that does not verify")
        return [Say(T["button_refused"])]
    if button.verb == "claim":
        return await _claim(button, deps)
    if button.verb == "rate":
        return await _rate(button, deps)
    log.warning("refused a signed handoff button with an unknown verb")
    return [Say(T["button_refused"])]


async def _claim(button: ButtonData, deps: Deps) -> list[Say]:
    coach = await coach_store.coach_for(deps.session, deps.person.id)
    if coach is None:
        log.warning("refused a coach button from someone who is not a coach")
        return [Say(T["not_for_you"])]
    outcome, handoff = await q.claim(deps.session, button.handoff_id, coach, deps.now)
    number = handoff.number if handoff is not None else f"#{button.handoff_id}"
    if outcome is not q.Claim.CLAIMED or handoff is None:
        template = {q.Claim.TAKEN: C["taken"], q.Claim.OWN: C["own"],
                    q.Claim.BUSY: C["busy"]}.get(outcome, C["gone"])
        return [Say(template, {"number": number})]
    view = await coach_view(deps.session, handoff)
    q.audit(deps.session, handoff.id, coach.id, "view", deps.now)
    person_key = await user_key_of(deps.session, handoff.person_id)
    return [
        Say(C["claimed"], {**handoff_context(handoff, deps.now), **view}),
        Say(T["coach_here"], {"coach_name": coach.display_name, "number": number},
            to=person_key),
    ]


async def _rate(button: ButtonData, deps: Deps) -> list[Say]:
    handoff = await deps.session.get(Handoff, button.handoff_id)
    if handoff is None or handoff.person_id != deps.person.id or button.value not in RATINGS:
        log.warning("refused a rating button for someone else's handoff")
        return [Say(T["button_refused"])]
    if handoff.status != CLOSED or handoff.rating is not None:
        return [Say(T["rating_already"])]
    handoff.rating = button.value
    return [Say(T["rating_thanks"], {"rating": button.value})]
