"""What a person's own plan says about a moment like this one (a lapse, an urge, a hard
check-in): the obstacle that matches what they just told, what they said they'd do about it,
their reasons and the people they named. Their own words, shortened, never anyone else's."""

from __future__ import annotations

import re
from typing import Any

from bot.coaching.plans import current_version
from bot.engine.actions import ActionResult
from bot.ports import Call

MAX_WORDS = 14  # a plan entry recalled is cut short, at a word
_WORD = re.compile(r"[a-z']{4,}")
_COMMON = frozenset("""that this with when what have been just into from they them their there
then than your about really would could should going want need make more much very some
always never every after before because while feel feeling""".split())


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _COMMON}


def short(text: Any) -> str:
    """An entry of the plan, cut to MAX_WORDS words (at a word, with "..." when cut)."""
    words = str(text or "").split()
    return " ".join(words[:MAX_WORDS]) + ("..." if len(words) > MAX_WORDS else "")


def matching_obstacle(obstacles: list[dict[str, Any]], told: str) -> dict[str, Any] | None:
    """The obstacle sharing most words with what they told (None if none shares any)."""
    said = _words(told)
    best, best_score = None, 0
    for item in obstacles:
        score = len(said & _words(str(item.get("obstacle") or "")))
        if score > best_score:
            best, best_score = item, score
    return best


def link(content: dict[str, Any] | None, told: str) -> dict[str, Any]:
    """Template facts: `plan` with `obstacle` (matched), `reasons`, `helpers`."""
    if not content:
        return {"has_plan": False, "obstacle": None, "reasons": [], "helpers": []}
    obstacles = [o for o in content.get("obstacles") or [] if o.get("obstacle")]
    found = matching_obstacle(obstacles, told)
    reasons = [short(r) for r in re.split(r"[\n;]+", str(content.get("reasons") or ""))
               if r.strip()]
    helpers = [{"who": short(h.get("who")), "how": short(h.get("how"))}
               for h in content.get("helpers") or [] if h.get("who")]
    return {
        "has_plan": True,
        "obstacle": {"obstacle": short(found.get("obstacle")),
                     "response": short(found.get("response")) if found.get("response") else None}
        if found else None,
        "reasons": reasons,
        "helpers": helpers,
    }


async def plan_link(call: Call) -> ActionResult:
    """`plan.link`: what their plan says about what they just told (facts.plan)."""
    deps = call.deps
    saved = await current_version(deps.session, deps.person.id)
    told = " ".join(str(v) for v in call.answers.values() if isinstance(v, str))
    heard = call.facts.get("heard") or {}
    told += " " + str((heard.get("gist") or {}).get("phrase") or "")
    return ActionResult(facts={"plan": link(saved.content if saved else None, told)})
