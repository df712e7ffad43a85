"""The change plan through the core, as a person meets it: write, change one part, see, export.

Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from sqlalchemy import select, text

from bot.app import RecoveryBot
from bot.coaching.models import PlanVersion
from bot.coaching.plans import PlanStep, all_versions, current_plan_steps
from bot.storage.models import Conversation
from bot.storage.models import Person as PersonRow
from tests.coaching.plan_script import EDIT_CONFIDENCE, SCRIPT_TO_PLAN, TYPED
from tests.helpers import Person, onboard


async def run(person: Person, script: list[tuple[str, str]]) -> list[str]:
    """Send each line; return every template the bot answered with."""
    seen: list[str] = []
    for kind, value in script:
        await (person.press(value) if kind == "press" else person.say(value))
        seen += person.templates
    return seen


async def person_id(core: RecoveryBot, key: str) -> int:
    async with core.db.session() as session:
        row = await session.execute(select(PersonRow.id).where(PersonRow.user_key == key))
        return row.scalar_one()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


async def test_without_a_plan_plan_invites_rather_than_showing_an_empty_page(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    assert sam.templates == ["plan/invite"]
    assert "don't have a change plan yet" in sam.text
    await sam.press("Not right now")
    assert sam.templates == ["plan/not_now"]


async def test_onboarding_offers_the_plan_and_the_whole_plan_is_written_and_saved(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    assert sam.templates[-1] == "onboarding/offer"
    await sam.press("Start my plan")
    assert sam.templates == ["plan/invite"]
    seen = await run(sam, SCRIPT_TO_PLAN)
    assert "plan/how_it_goes" in seen  # they asked, then were told
    assert sam.templates == ["plan/summary", "plan/offer_revisit"]
    summary = sam.last[0].text
    for typed in TYPED:
        assert typed in summary  # the summary is in their own words
    assert "7 out of 10" in summary and "4 out of 10" in summary
    pid = await person_id(core, sam.key)
    async with core.db.session() as session:
        steps = await current_plan_steps(session, pid)
        assert steps == [
            PlanStep("Go for a run after work", weekdays=(1,)),
            PlanStep("Cook dinner instead of going out", on_date=date(2026, 12, 12)),
        ]
        # Plan text is encrypted at rest.
        raw = (await session.execute(text("SELECT content FROM plan_versions"))).scalar_one()
        # (2 letters can occur by chance)
        assert "daughter" not in raw and "My sister Jo" not in raw


async def test_the_mi_follow_ups_use_the_number_given(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    await sam.press("Let's dive in")
    await sam.say("Fewer drinks on weeknights")
    await sam.press("6")
    assert "Why a 6 and not a 3?" in sam.text
    await sam.say("I sleep better")
    assert "you sleep better" in sam.text  # said back in the second person, not pasted
    assert "from 6 to 7" in sam.text  # what would move it one point higher
    await sam.say("skip")
    await sam.press("1")  # confidence: very low gets a different question
    assert "Why a 1" not in sam.text and "even a little more confident" in sam.text
    await sam.say("Knowing someone is on my side")
    assert sam.templates == ["plan/reflect_confidence_why", "plan/ask_reasons"]


async def test_change_one_part_keeps_the_rest_and_every_version(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Start my plan")
    await run(sam, SCRIPT_TO_PLAN)
    await run(sam, EDIT_CONFIDENCE)
    assert sam.templates == ["plan/reflect_confidence_higher", "plan/part_saved", "plan/menu"]
    assert "7 out of 10" in sam.text and "Two good weeks behind me" in sam.text
    await sam.press("See how it's changed")
    assert "your first plan" in sam.text
    assert 'changed "How confident I am" (from 4 to 7)' in sam.text
    await sam.press("That's all for now")
    await sam.say("/plan")
    assert sam.templates == ["plan/view", "plan/menu"]
    view = sam.last[0].text
    assert "Two good weeks behind me" in view and "I did a dry month last year" not in view
    assert "Drink only at weekends, four drinks at most" in view  # the rest is untouched
    pid = await person_id(core, sam.key)
    async with core.db.session() as session:
        versions = await all_versions(session, pid)
    assert [(v.version, v.changed_field) for v in versions] == [(1, "all"), (2, "confidence")]
    assert versions[0].content["confidence"] == 4 and versions[1].content["confidence"] == 7


async def test_adding_a_step_later_keeps_the_earlier_ones(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Start my plan")
    await run(sam, SCRIPT_TO_PLAN)
    await sam.press("Change one part")
    await sam.press("The steps I plan to take")
    assert "Go for a run after work (Tuesdays)" in sam.text
    await sam.press("Add to it")
    await sam.say("Join the Sunday walking group")
    await sam.say("sunday")
    await sam.press("Move on")
    assert "plan/part_saved" in sam.templates
    pid = await person_id(core, sam.key)
    async with core.db.session() as session:
        steps = await current_plan_steps(session, pid)
    assert [s.text for s in steps] == [
        "Go for a run after work", "Cook dinner instead of going out",
        "Join the Sunday walking group",
    ]
    assert steps[-1].weekdays == (6,)


async def test_a_day_that_cannot_be_read_is_asked_again_kindly(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Start my plan")
    await sam.press("Let's dive in")
    for _ in range(4):  # changes, importance, confidence, reasons
        await sam.say("skip")
    await sam.say("Phone a friend")
    await sam.say("sometime soonish")
    assert sam.templates == ["plan/invalid_when", "plan/ask_step_when"]
    await sam.say("tomorrow")
    assert sam.templates[-1] == "plan/ask_more_steps"
    assert "Phone a friend (on 24 November)" in sam.text


async def test_the_export_is_a_document_with_everything_they_wrote(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Start my plan")
    await run(sam, SCRIPT_TO_PLAN)
    await sam.press("Send me a copy")
    [sent] = [reply for reply in sam.last if reply.attachment is not None]
    assert sent.attachment.mime_type == "text/html"
    assert sent.attachment.filename == "my-change-plan-2026-11-23.html"
    html = sent.attachment.content.decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    parser = _Text()
    parser.feed(html)
    assert "script" not in parser.tags
    document = " ".join(" ".join(parser.chunks).split())
    for typed in TYPED:
        assert " ".join(typed.split()) in document
    assert "7 out of 10" in document and "Tuesdays" in document


async def test_skipping_everything_saves_nothing(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Start my plan")
    await sam.press("Let's dive in")
    while "plan/nothing_written" not in sam.templates:
        if "Move on" in sam.buttons and sam.templates[-1].startswith("plan/ask_more"):
            await sam.press("Move on")
        elif "That's everything" in sam.buttons and sam.templates[-1] == "plan/ask_more_obstacles":
            await sam.press("That's everything")
        else:
            await sam.say("skip")
    pid = await person_id(core, sam.key)
    async with core.db.session() as session:
        assert (await session.execute(select(PlanVersion))).first() is None
        assert await current_plan_steps(session, pid) == []


async def test_plan_again_in_the_middle_of_the_plan_keeps_what_was_written(
    core: RecoveryBot,
) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    await sam.press("Let's dive in")
    await sam.say("Fewer drinks on weeknights")
    await sam.press("6")
    asked = sam.templates[-1]
    await sam.say("/plan")  # typed again, as people do, halfway through
    assert sam.templates == ["system/resume_offer"]
    assert "part of the way through" in sam.text and "right now" in sam.text
    await sam.press("Carry on where I was")
    assert sam.templates[-1] == asked
    await sam.say("I sleep better")
    assert "you sleep better" in sam.text  # said back in the second person, not pasted
    # Starting again is still there for whoever wants it.
    await sam.say("/plan")
    await sam.press("Start again")
    assert sam.templates[-1] == "plan/invite"


async def test_a_typed_number_is_a_number_after_a_restart(
    core: RecoveryBot, settings, database, clock  # type: ignore[no-untyped-def]
) -> None:
    """Each message on a fresh core (a deploy between any two messages): a typed "7" on the
    importance scale is the number 7 for the questions after it, as a tapped 7 is."""
    sam = Person(core)
    await onboard(sam)
    await sam.press("Later")
    await sam.say("/plan")
    await sam.press("Let's dive in")
    await sam.say("skip")
    for typed in ("7", "Because my kids deserve better"):
        fresh = await RecoveryBot.create(settings, clock=clock, db=database, migrate=False)
        await Person(fresh).say(typed)
    again = Person(await RecoveryBot.create(settings, clock=clock, db=database, migrate=False))
    await again.say("skip")
    assert "How confident are you" in again.text
    async with core.db.session() as session:
        conv = (await session.execute(select(Conversation))).scalar_one()
    assert conv.data["frames"][-1]["answers"]["importance"] == 7
