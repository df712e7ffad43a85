"""Clinical boundaries: a request for a diagnosis, a dose, a prescription or medical advice.

The clinical screen runs after the crisis screen and after "can I talk to a person"
(`CLINICAL_PRIORITY`). When `clinical_screen` recognises a request, the `clinical` flow says
honestly that it is a question for a doctor or clinician, where to find one in the person's
country (treatment and health-care entries of the referral directory), and, when it is about
stopping alcohol or benzodiazepines, that stopping suddenly can be dangerous. Then the
interrupted question is asked again: the message is not taken as its answer.

Only requests fire (the person's own statements, "my doctor prescribed naltrexone", do not),
so ordinary answers reach the flow. In a live relay the question goes to the coach instead.
"""

from __future__ import annotations

from bot.engine.actions import ActionResult
from bot.engine.messages import Inbound
from bot.engine.runtime import Interrupt
from bot.handoff import role_of
from bot.handoff.roles import Role
from bot.ports import Call
from bot.ports import StepContext as Deps
from bot.referrals import clinician_facts, crisis_directory
from bot.registry import DEFAULT_PRIORITY
from bot.safety.screen import clinical_screen

CLINICAL_FLOW = "clinical"
CLINICAL_PRIORITY = DEFAULT_PRIORITY + 100
"""After the crisis screen and after asking for a person in words."""


async def screen_for_clinical(inbound: Inbound, deps: Deps) -> Interrupt | None:
    """A clinical request starts the clinical-boundary answer; anything else goes on."""
    text = (inbound.text or "").strip()
    if not text or text.startswith("/"):
        return None
    request = clinical_screen(text, deps.locale)
    if request is None:
        return None
    if role_of(deps.facts) in (Role.IN_COACH_CHAT, Role.COACH_IN_CHAT, Role.COACH_NOTE):
        return None  # a coach is there to answer (or a coach is speaking)
    return Interrupt(CLINICAL_FLOW, {
        "kind": request.kind, "substance": request.substance,
        "stopping_risk": request.stopping_risk,
        "stopping_medication": request.stopping_medication,
    })


async def open_clinical(call: Call) -> ActionResult:
    """Where to find a clinician in the person's country, as facts."""
    deps = call.deps
    # Another country's services and emergency number are no use to someone whose country
    # we know and have no checked data for: then their own doctor or pharmacist.
    directory = crisis_directory(deps.person.country, deps.settings.default_country)
    return ActionResult(facts=clinician_facts(directory, deps.person.pathway))
