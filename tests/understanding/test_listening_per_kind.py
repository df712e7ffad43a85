"""What each kind of typed answer gets in the free-text questions of the coaching flows.

Every free-text question reachable in a few steps (onboarding, /explore, /plan, /checkin) gets
the same five messages; each test checks what the person would notice: what the bot says back,
which question comes next, and what ends up kept (their profile, their saved plan and its
summary, the explore summary, the check-in note).

One core per backend serves the whole module (each case is a new person on it): building a
core costs about half a second, and seventy of them would triple the suite's runtime.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.app import RecoveryBot
from bot.clock import FixedClock
from bot.coaching.plans import current_version
from bot.config import Settings
from bot.engine.messages import Outbound
from bot.storage.db import Database
from tests.conftest import PG_URL, START, drop_schema, postgres_skip_reason
from tests.helpers import Person, onboard
from tests.understanding.support import (
    PRAISE,
    checkin_notes,
    contains,
    current_frame,
    finish,
    person_row,
    strings_in,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

KINDS = {
    "non_answer": "idk",
    "discord": "this is a stupid question",
    "sustain_talk": "I don't really have a problem, I can stop whenever I want",
    "harmful": "drink after she goes to bed so she doesn't know",
    "question": "why are you asking me this?",
}
# Saying both sides back: the part that doesn't want to change and the part that is here.
DOUBLE_SIDED = re.compile(r"part of you|side of you|another side|still here|here anyway|"
                          r"both (of those|make sense)", re.I)


async def _reason(sam: Person) -> None:
    await sam.say("/start")
    await sam.press("That's okay with me")
    await sam.say("Sam")


async def _values(sam: Person) -> None:
    await onboard(sam)
    await sam.press("Explore what matters to me")


async def _changes(sam: Person) -> None:
    await onboard(sam)
    await sam.press("Start my plan")
    await sam.press("Let's dive in")


async def _importance_why(sam: Person) -> None:
    await _changes(sam)
    await sam.say("Fewer drinks on weeknights")
    await sam.press("6")


async def _step(sam: Person) -> None:
    await _changes(sam)
    await sam.say("Fewer drinks on weeknights")
    for _ in range(3):  # importance, confidence, reasons
        await sam.say("skip")


async def _checkin(sam: Person, mood: str, went: str) -> None:
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/checkin")
    await sam.press(mood)
    await sam.press("Skip")  # cravings
    await sam.press(went)


async def _helped(sam: Person) -> None:
    await _checkin(sam, "Good", "I stayed within what I planned")


async def _tomorrow(sam: Person) -> None:
    await _checkin(sam, "Hard", "A bit more than I planned")  # a hard day, not a lapse


REACH: dict[str, Callable[[Person], Awaitable[None]]] = {
    "onboarding.reason": _reason,
    "explore.values": _values,
    "plan.changes": _changes,
    "plan.importance_why": _importance_why,
    "plan.step_text": _step,
    "checkin.helped": _helped,
    "checkin.tomorrow": _tomorrow,
}


@dataclass
class Heard:
    """What followed one typed answer."""

    asked: str  # the question's template
    asked_text: str
    reply: list[Outbound]  # everything said in answer to it
    kept_now: Any  # the answer the flow kept for the question right after, if any
    reason: str | None  # the reason in their profile
    plan: list[str]  # everything in their saved plan, once the flow ended
    steps: list[str]  # the steps of that plan
    notes: list[str]  # their check-in notes
    shown: str  # the summaries shown at the end (the plan's, the explore summary)

    @property
    def next_question(self) -> str:
        return self.reply[-1].template

    @property
    def reaction(self) -> str:
        """What was said about the answer, before the next question."""
        return "\n".join(r.text for r in (self.reply[:-1] if len(self.reply) > 1 else self.reply))

    def kept(self, said: str) -> list[str]:
        """Where `said` was kept: the list of places."""
        places = {"the answer": str(self.kept_now or ""), "the profile reason": self.reason or "",
                  "the plan": "\n".join(self.plan), "a check-in note": "\n".join(self.notes),
                  "a summary": self.shown}
        return [place for place, text in places.items() if contains(text, said)]


async def tell(core: RecoveryBot, where: str, said: str) -> Heard:
    """A new person reaches `where`, types `said`, then leaves the rest of the flow."""
    sam = Person(core, f"{where}-{uuid.uuid4().hex[:8]}")
    await REACH[where](sam)
    flow, state = where.split(".")
    frame = await current_frame(core, sam.key)
    assert frame is not None and (frame["flow"], frame["state"]) == (flow, state), frame
    asked, asked_text = sam.templates[-1], sam.last[-1].text
    reply = await sam.say(said)
    frame = await current_frame(core, sam.key)
    kept_now = frame["answers"].get(state) if frame and frame["flow"] == flow else None
    rest = await finish(core, sam)
    shown = "\n".join(r.text for r in rest if r.template in ("plan/summary", "explore/summary"))
    row = await person_row(core, sam.key)
    async with core.db.session() as session:
        saved = await current_version(session, row.id)
    content = saved.content if saved is not None else {}
    steps = [str(step.get("text")) for step in content.get("steps") or []]
    return Heard(asked, asked_text, reply, kept_now, row.reason, strings_in(content), steps,
                 await checkin_notes(core, sam.key), shown)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def shared_backend(request: pytest.FixtureRequest) -> str:
    """The backend of this module's core (checked outside the event loop, as conftest's is)."""
    if request.param == "postgres":
        reason = postgres_skip_reason()
        if reason:
            pytest.skip(reason)
    return str(request.param)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_core(shared_backend: str,
                      tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RecoveryBot]:
    """One bot core per backend for this module (see the module docstring)."""
    folder: Path = tmp_path_factory.mktemp("listening")
    schema = None
    if shared_backend == "postgres":
        schema = f"t_{uuid.uuid4().hex[:12]}"
        db = Database(PG_URL, schema=schema)
    else:
        db = Database(f"sqlite+aiosqlite:///{folder / 'test.sqlite3'}")
    await db.upgrade()
    settings = Settings(data_dir=folder / "data", telegram_bot_token=None, _env_file=None)
    yield await RecoveryBot.create(settings, clock=FixedClock(START), db=db, migrate=False)
    await db.dispose()
    if schema:
        await drop_schema(schema)


def case(where: str, kind: str, why: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
    return pytest.param(where, kind, id=f"{where}-{kind}", marks=marks)


def cases(kind: str, failing: dict[str, str] | None = None) -> list[Any]:
    return [case(where, kind, (failing or {}).get(where)) for where in REACH]



@pytest.mark.parametrize(("where", "kind"), cases("non_answer"))
async def test_a_non_answer_is_not_kept_and_gets_an_easier_question_or_moves_on(
    shared_core: RecoveryBot, where: str, kind: str,
) -> None:
    said = KINDS[kind]
    heard = await tell(shared_core, where, said)
    assert heard.reply[0].template == "listen/non_answer", heard.reply  # acknowledged lightly
    assert not PRAISE.search(heard.reaction), heard.reaction
    assert not contains(heard.reaction, said)  # never "So what matters most is idk"
    assert not heard.kept(said), heard.kept(said)
    # An easier question, or the next one: never the same question word for word.
    assert heard.next_question != heard.asked or heard.reply[-1].text != heard.asked_text, (
        heard.reply[-1].text)


@pytest.mark.parametrize(("where", "kind"), cases("discord"))
async def test_discord_is_acknowledged_and_not_kept(
    shared_core: RecoveryBot, where: str, kind: str,
) -> None:
    said = KINDS[kind]
    heard = await tell(shared_core, where, said)
    assert heard.reply[0].template == "listen/discord", heard.reply
    assert re.search(r"fair enough|that's okay|i hear you", heard.reaction, re.I)
    assert not PRAISE.search(heard.reaction), heard.reaction
    assert not heard.kept(said), heard.kept(said)
    assert heard.next_question != heard.asked  # rolled with, not asked again


@pytest.mark.parametrize(("where", "kind"), cases("sustain_talk"))
async def test_sustain_talk_gets_both_sides_never_praise_and_is_never_a_goal_or_step(
    shared_core: RecoveryBot, where: str, kind: str,
) -> None:
    said = KINDS[kind]
    heard = await tell(shared_core, where, said)
    assert not PRAISE.search(heard.reaction), heard.reaction
    assert DOUBLE_SIDED.search(heard.reaction), heard.reaction
    assert not [step for step in heard.steps if contains(step, said)]
    assert not contains("\n".join(heard.plan), said)  # not a goal, reason or step of the plan
    # Nor summed up as one ("What matters most: stopping whenever you want").
    assert not contains(heard.shown, "whenever you want"), heard.shown
    assert not heard.notes  # nothing of it kept as how the day went


@pytest.mark.parametrize(("where", "kind"), cases("harmful"))
async def test_a_harmful_entry_is_not_kept_and_the_safer_way_is_said(
    shared_core: RecoveryBot, where: str, kind: str,
) -> None:
    said = KINDS[kind]
    heard = await tell(shared_core, where, said)
    assert heard.reply[0].template == "listen/harmful", heard.reply
    assert not PRAISE.search(heard.reaction), heard.reaction
    assert not heard.kept(said), heard.kept(said)
    assert not [step for step in heard.steps if contains(step, "she goes to bed")]




@pytest.mark.parametrize(("where", "kind"), cases("question"))
async def test_a_question_is_answered_then_the_question_comes_again(
    shared_core: RecoveryBot, where: str, kind: str,
) -> None:
    said = KINDS[kind]
    heard = await tell(shared_core, where, said)
    assert heard.reply[0].template == "listen/question", heard.reply
    assert heard.next_question == heard.asked, heard.reply  # back to the question
    assert not heard.kept(said), heard.kept(said)


async def test_not_giving_up_is_heard_as_a_strength_not_as_hopelessness(
    shared_core: RecoveryBot,
) -> None:
    sam = Person(shared_core, f"stubborn-{uuid.uuid4().hex[:8]}")
    await _values(sam)
    await sam.say("My two boys")
    await sam.say("I quit smoking five years ago")
    assert sam.templates[-1] == "explore/ask_qualities"
    await sam.say("I'm stubborn and I don't give up easily")
    assert "safety/crisis_check" not in sam.templates
    assert sam.templates[0] == "explore/reflect_qualities"


async def test_what_matters_most_is_reflected_not_met_with_sympathy(
    shared_core: RecoveryBot,
) -> None:
    sam = Person(shared_core, f"kids-{uuid.uuid4().hex[:8]}")
    await _values(sam)
    await sam.say("My kids matter to me more than anything")
    assert not [t for t in sam.templates if t.startswith("feelings/")], sam.text
    assert "your kids" in sam.text
