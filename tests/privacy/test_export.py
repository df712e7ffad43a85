"""/privacy and /export: plain words, and every table about a person in the files."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from bot.app import RecoveryBot
from bot.config import Settings
from bot.privacy.records import (
    INTERNAL_TABLES,
    exported_tables,
    tables_about_people,
    tables_referring_to_people,
)
from tests.helpers import Person, onboard
from tests.privacy.support import NAME, TYPED_SECRETS, person_with_everything


def test_every_table_that_refers_to_a_person_is_exported_or_named_internal() -> None:
    exported = {t.name for t in exported_tables()}
    about = {t.name for t in tables_about_people()}
    for table in tables_referring_to_people():
        assert table.name in exported | set(INTERNAL_TABLES), (
            f"{table.name} refers to people but is neither exported nor listed as internal"
        )
    assert set(INTERNAL_TABLES) <= about
    assert {"people", "plans", "plan_versions", "checkins", "handoff_messages"} <= exported


async def test_privacy_says_what_why_who_how_long_and_how_to_leave(core: RecoveryBot) -> None:
    sam = Person(core)
    await onboard(sam)
    await sam.say("/privacy")
    text = sam.last[0].text
    for words in ("What I store", "Why", "Who can see it", "only what you chose to share",
                  "How long", "until you delete it", "/export", "/delete"):
        assert words in text, words
    assert sam.templates[-1] != "system/privacy" or len(sam.last) == 1


async def test_privacy_names_the_retention_period_when_set(
    settings: Settings, database, clock  # type: ignore[no-untyped-def]
) -> None:
    core = await RecoveryBot.create(settings.model_copy(update={"retention_days": 90}),
                                    clock=clock, db=database, migrate=False)
    sam = Person(core)
    await sam.say("/privacy")
    assert "90 days" in sam.last[0].text


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


async def test_export_sends_json_and_a_readable_page_with_everything(core: RecoveryBot) -> None:
    morgan, _ = await person_with_everything(core)
    await morgan.say("/end")
    await morgan.say("/export")
    files = [reply.attachment for reply in morgan.last if reply.attachment is not None]
    assert len(files) == 2
    machine, page = files
    assert machine.filename.endswith(".json") and page.filename.endswith(".html")
    assert "morgan" not in machine.filename.lower()
    data = json.loads(machine.content)
    tables = data["tables"]
    assert set(tables) == {t.name for t in exported_tables()}
    assert tables["people"][0]["preferred_name"] == NAME
    assert len(tables["plan_versions"]) >= 1 and len(tables["checkins"]) == 1
    assert [m["text"] for m in tables["handoff_messages"]] == [
        "Last night was rough", "I'm here. Tell me more?"]
    assert "nudges" not in tables
    dumped = json.dumps(data, ensure_ascii=False)
    html = page.content.decode()
    parser = _Text()
    parser.feed(html)
    readable = " ".join(parser.parts)
    for typed in TYPED_SECRETS:
        assert typed in dumped, typed
        assert typed in readable, typed
    assert "Messages with your coach" in readable and "Your check-ins" in readable
    # What a person typed is escaped: the plan script's <script> is text, not a tag.
    assert "script" not in parser.tags


async def test_a_coach_export_holds_no_one_elses_chat(core: RecoveryBot) -> None:
    _, coach = await person_with_everything(core)
    await coach.say("/export")
    files = [reply.attachment for reply in coach.last if reply.attachment is not None]
    data = json.loads(files[0].content)
    dumped = json.dumps(data, ensure_ascii=False)
    for typed in TYPED_SECRETS:
        assert typed not in dumped
    assert data["tables"]["coaches"][0]["display_name"] == "Alex"
