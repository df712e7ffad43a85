"""Every medical fact the bot states comes from `resources/safety/en/clinical_facts.yaml`,
with its sources and the date they were checked; every fact is said somewhere (marked
`{# fact: <id> #}` in a template) and every marker names a fact. And the fact added for the
crisis response is said where it matters: "I'm okay right now" after an overdose is not the
end of the advice to get help."""

from __future__ import annotations

import re
from datetime import date

import yaml

from bot.app import RecoveryBot
from bot.paths import safety_dir
from tests.helpers import Person, onboard

TEMPLATES = safety_dir("en").parent.parent / "templates" / "en"
MARKER = re.compile(r"\{#\s*fact:\s*([\w-]+)\s*#\}")


def facts() -> dict[str, dict]:
    raw = yaml.safe_load((safety_dir("en") / "clinical_facts.yaml").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in raw["facts"]}


def test_every_fact_is_sourced_and_dated() -> None:
    for fact_id, entry in facts().items():
        assert entry.get("fact"), fact_id
        assert entry.get("sources") and all(str(s).startswith("http") or "stated" in str(s)
                                             for s in entry["sources"]), fact_id
        assert isinstance(entry.get("checked"), (date, str)), fact_id


def test_every_fact_is_said_and_every_marker_names_a_fact() -> None:
    marked = {m for path in TEMPLATES.rglob("*.j2")
              for m in MARKER.findall(path.read_text(encoding="utf-8"))}
    known = set(facts())
    assert marked <= known, marked - known
    assert known <= marked, known - marked


async def okay_after(core: RecoveryBot, name: str, crisis: str) -> Person:
    """Someone in the UK says `crisis`, then taps "I'm okay right now"."""
    person = Person(core, name)
    await onboard(person, country="United Kingdom")
    await person.press("Later")
    await person.say(crisis)
    await person.press("I'm okay right now")
    return person


async def test_feeling_okay_after_an_overdose_still_gets_the_advice_to_get_help(
    core: RecoveryBot,
) -> None:
    sam = await okay_after(core, "sam", "ive taken all my tablets and i just want to sleep")
    assert sam.templates == ["safety/crisis_check_back"]
    assert "Even if you feel okay now, please still call 999" in sam.text
    assert "hours to show" in sam.text
    ana = await okay_after(core, "ana", "my mate took a load of pills and hes really sleepy")
    assert "Even if they seem okay now, please still call 999 for them" in ana.text
    # Not after a crisis of another kind: no word about tablets to someone who wants to die.
    jo = await okay_after(core, "jo", "i want to die")
    assert "tablets" not in jo.text
