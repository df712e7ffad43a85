"""/delete: two confirmations, then nothing about the person is left anywhere."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from bot.app import RecoveryBot
from bot.privacy.models import PrivacyEvent
from bot.schema import Base
from tests.handoff.support import sent_to
from tests.helpers import Person, onboard
from tests.privacy.support import person_id, person_with_everything, rows_referring_to


async def test_delete_removes_every_row_and_tells_the_coach(core: RecoveryBot) -> None:
    morgan, coach = await person_with_everything(core)
    pid = await person_id(core, morgan.key)
    assert pid is not None
    before = await rows_referring_to(core, pid, morgan.key)
    for table in ("people", "conversations", "plans", "plan_versions", "checkins",
                  "nudges", "handoffs", "handoff_messages"):
        assert table in before, (table, before)

    await morgan.say("/delete")
    assert morgan.templates == ["privacy/delete_what"]
    assert set(morgan.buttons) == {"Yes, delete everything", "No, keep it"}
    await morgan.press("Yes, delete everything")
    assert morgan.templates == ["privacy/delete_sure"]
    await morgan.press("Delete it all now")
    [left] = sent_to(morgan.last, coach.key)
    assert left.template == "privacy/coach_person_left" and "#1" in left.text
    assert "Morgan" not in left.text
    assert morgan.templates[-1] == "privacy/deleted"

    assert await person_id(core, morgan.key) is None
    assert await rows_referring_to(core, pid, morgan.key) == {}
    # The audit log says only that a deletion happened, under a random id.
    async with core.db.session() as session:
        [event] = (await session.execute(select(PrivacyEvent))).scalars().all()
    assert event.event == "deleted"
    hashes = {hashlib.new(name, value.encode()).hexdigest()[:32]
              for name in ("md5", "sha1", "sha256") for value in (morgan.key, str(pid))}
    assert len(event.subject) == 32 and event.subject not in hashes
    assert event.on_day.hour == 0 and event.on_day.minute == 0

    # The coach's chat is over: their next words go nowhere near the person.
    await coach.say("Are you still there?")
    assert not any(reply.to for reply in coach.last)
    # The person's next message is a fresh start.
    await morgan.say("hello")
    assert morgan.templates[0].startswith("onboarding/"), morgan.templates
    assert "Morgan" not in morgan.text
    # Deleting again (same Telegram account) leaves an unrelated id: nothing to link them.
    await morgan.say("/delete")
    await morgan.press("Yes, delete everything")
    await morgan.press("Delete it all now")
    async with core.db.session() as session:
        subjects = (await session.execute(select(PrivacyEvent.subject))).scalars().all()
    assert len(set(subjects)) == 2


async def test_every_table_is_walked_after_delete(core: RecoveryBot) -> None:
    """Raw SQL over every table: no column anywhere still holds the person's id or key."""
    morgan, _ = await person_with_everything(core)
    pid = await person_id(core, morgan.key)
    await morgan.say("/end")  # out of the live chat, typed words reach the bot again
    await morgan.say("/delete")
    await morgan.say("Yes, delete everything")  # words work as well as buttons
    await morgan.say("Delete it all now")
    assert morgan.templates[-1] == "privacy/deleted"
    async with core.db.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                mapping = dict(row._mapping)
                for column, value in mapping.items():
                    assert value != morgan.key, (table.name, column)
                    if column.endswith("person_id"):
                        assert value != pid, (table.name, column)


async def test_saying_no_at_either_step_keeps_everything(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam, name="Sam")
    for answers in (["No, keep it"], ["Yes, delete everything", "No, keep it"]):
        await sam.say("/delete")
        for label in answers:
            await sam.press(label)
        assert sam.templates[-1] == "privacy/kept"
        assert await person_id(core, sam.key) is not None
    await sam.say("/settings")
    assert "Sam" in sam.text or sam.templates[0].startswith("settings/")


async def test_a_coach_who_deletes_ends_the_chat_for_the_person(core: RecoveryBot) -> None:
    morgan, coach = await person_with_everything(core)
    await coach.say("/delete")
    await coach.press("Yes, delete everything")
    await coach.press("Delete it all now")
    [note] = sent_to(coach.last, morgan.key)
    assert note.template == "privacy/coach_left"
    # Morgan keeps their own chat record; their next words are not relayed to anyone.
    await morgan.say("hello?")
    assert not any(reply.to for reply in morgan.last)
    assert await person_id(core, morgan.key) is not None
