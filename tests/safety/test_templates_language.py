"""The language guard over every template: nothing the bot can say may label, stigmatise or
give a dose (`language_violations`, rules in resources/safety/en/forbidden_language.yaml).

Two checks, because neither alone sees everything:

* every template is RENDERED for every pathway and every country we have referral data for,
  with the crisis, clinical and /resources facts the safety flows really load, plus a
  generous general context (missing names render empty, so any template renders);
* the literal prose of every template source (tags removed) is checked too, so a sentence
  inside a branch the contexts never reach is still seen.

The flows' own end-to-end tests render the rest with real state.
"""

from __future__ import annotations

import re
from itertools import product
from typing import Any

import pytest
from jinja2 import ChainableUndefined

from bot.engine.render import Renderer
from bot.paths import TEMPLATES_DIR
from bot.profile import PATHWAYS
from bot.referrals import (
    available_countries,
    categories_for,
    category_entries,
    clinician_facts,
    crisis_facts,
    directory_for,
)
from bot.safety import CRISIS_CATEGORIES, language_violations

RENDERER = Renderer(TEMPLATES_DIR, "en")
LENIENT = RENDERER.env.overlay(undefined=ChainableUndefined)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
RULES = {"violence": ["violence.being_hurt", "violence.hurting_others", "violence.against_other"]}
CLINICAL_KINDS = ("diagnosis", "dosing", "medication", "medical_advice")


class _Answers(dict):  # type: ignore[type-arg]
    """Any answer a template asks for: a number (scales) that also reads as text."""

    def __missing__(self, key: str) -> int:
        return 6

    def get(self, key: str, default: Any = None) -> Any:
        return self[key]


def _person(pathway: str, country: str) -> dict[str, Any]:
    return {"name": "Sam", "reason": "I want more good mornings", "pathway": pathway,
            "country": country, "timezone": "Europe/London", "checkin_time": "20:00",
            "onboarded": True, "consented": True, "locale": "en"}


def _fact_sets(pathway: str, country: str) -> list[dict[str, Any]]:
    """Facts the safety flows load, in every variation their templates branch on."""
    directory = directory_for(country, "US")
    sets: list[dict[str, Any]] = []
    for category in CRISIS_CATEGORIES:
        for rule, about_other in product(RULES.get(category, [""]), (False, True)):
            facts = crisis_facts(directory, category, pathway)
            facts.update(category=category, rule=rule, about_other=about_other,
                         own_country=about_other)
            sets.append(facts)
    for kind, stopping in product(CLINICAL_KINDS, (False, True)):
        facts = clinician_facts(directory, pathway)
        facts.update(kind=kind, stopping_risk=stopping, substance="alcohol")
        sets.append(facts)
    for category in categories_for(directory, pathway):
        sets.append({"categories": categories_for(directory, pathway), "category": category,
                     "entries": category_entries(directory, category, pathway),
                     "country_name": directory.name if directory else None,
                     "emergency_number": "999", "own_country": False})
    sets.append({"lapse": True, "checkins_before": 3, "urgent": True, "shared": ["name"],
                 "outside_hours": True, "timeout_minutes": 15, "number": "#4"})
    return sets


def _contexts(pathway: str, country: str) -> list[dict[str, Any]]:
    base = {"person": _person(pathway, country), "default_country": "US", "answers": _Answers(),
            "commands": [{"name": "plan", "description": "Your change plan"}],
            "emergency_number": "999", "flow": None, "state": None, "answer": "yes",
            # top-level values that coach and handoff templates include by name
            "reason": "crisis", "item": "name", "rating": "helped", "number": "#4",
            "coach_name": "Alex", "category": "self_harm", "text": "hello"}
    return [{**base, "facts": facts} for facts in _fact_sets(pathway, country)]


def _render(key: str, context: dict[str, Any]) -> str:
    name = key + ".j2" if key in RENDERER._files else key
    template = LENIENT.get_template(name)
    line = (context["facts"].get("lines") or context["facts"].get("entries") or [{}])[0]
    return template.render(**context, line=line, entry=line)


# Templates that need facts of their own flow's actions (macros over plan parts, progress
# charts...) and raise on a generic context; they are rendered by their flows' end-to-end
# tests, and their prose is checked below. Everything the safety package says must render.
MAY_NEED_THEIR_FLOW = 0.15


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_every_template_rendered_for_every_pathway_and_country(pathway: str) -> None:
    problems, unrendered = [], set()
    keys = sorted(RENDERER.keys())
    for country in available_countries():
        contexts = _contexts(pathway, country)
        first = contexts[-1]  # the general facts
        for context in contexts:
            for key in keys:
                if not key.startswith("safety/") and context is not first:
                    continue  # facts vary only what the safety templates say
                try:
                    text = _render(key, context)
                except Exception:  # noqa: BLE001 - needs its own flow's facts
                    unrendered.add(key)
                    continue
                found = language_violations(text)
                if found:
                    problems.append(f"{key} ({country}, {context['facts'].get('category')}): "
                                    f"{found}")
    assert not problems, "\n".join(sorted(set(problems)))
    assert not {key for key in unrendered if key.startswith(("safety/", "system/"))}
    assert len(unrendered) <= MAY_NEED_THEIR_FLOW * len(keys), sorted(unrendered)


def test_the_prose_of_every_template_source() -> None:
    problems = []
    for path in sorted((TEMPLATES_DIR / "en").rglob("*.j2")):
        prose = TAG.sub(" ", path.read_text(encoding="utf-8"))
        found = language_violations(prose)
        if found:
            problems.append(f"{path.relative_to(TEMPLATES_DIR)}: {found}")
    for key in sorted(RENDERER._labels):
        found = language_violations(RENDERER._labels[key])
        if found:
            problems.append(f"{key}: {found}")
    assert not problems, "\n".join(problems)


def test_the_guard_can_fail() -> None:
    assert language_violations("You're an addict, stay clean and take 2 mg every day")
