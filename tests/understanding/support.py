"""Reading back what the bot kept of a person's answers, and walking a flow to its end."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from bot.app import RecoveryBot
from bot.checkins.models import Checkin
from bot.engine.messages import Outbound
from bot.storage.models import Conversation
from bot.storage.models import Person as PersonRow
from tests.helpers import Person

# Praise a person would read as "well done for saying that" (the issue's "That sounds like
# something worth protecting" came after "idk").
PRAISE = re.compile(r"\b(strengths?|great|well done|worth protecting|proud of you|amazing)\b",
                    re.I)
# Buttons that leave a question unanswered or end a flow, in the order they are preferred.
LEAVE = ("Skip", "Move on", "That's everything", "That's all for now", "Leave it here for now",
         "Later", "Never mind")


async def person_row(core: RecoveryBot, key: str) -> PersonRow:
    async with core.db.session() as session:
        row = await session.execute(select(PersonRow).where(PersonRow.user_key == key))
        return row.scalar_one()


async def current_frame(core: RecoveryBot, key: str) -> dict[str, Any] | None:
    """The flow the person is in now (flow, state, answers, facts), or None."""
    pid = (await person_row(core, key)).id
    async with core.db.session() as session:
        row = await session.execute(select(Conversation).where(Conversation.person_id == pid))
        conv = row.scalar_one_or_none()
    frames = (conv.data or {}).get("frames") if conv is not None else None
    return frames[-1] if frames else None


def strings_in(value: Any) -> list[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in strings_in(item)]
    return []


async def checkin_notes(core: RecoveryBot, key: str) -> list[str]:
    """The typed notes of every stored check-in."""
    pid = (await person_row(core, key)).id
    async with core.db.session() as session:
        rows = await session.execute(select(Checkin.note).where(Checkin.person_id == pid))
        return [note for note in rows.scalars() if note]


async def finish(core: RecoveryBot, person: Person, limit: int = 40) -> list[Outbound]:
    """Leave every remaining question unanswered until no flow is running; what was said."""
    said: list[Outbound] = []
    for _ in range(limit):
        frame = await current_frame(core, person.key)
        if frame is None:
            return said
        state = core.engine.flows.flows[frame["flow"]].states[frame["state"]]
        if state.input is not None and state.input.type == "choice":
            await person.press(next(label for label in LEAVE if label in person.buttons))
        elif state.input is not None and state.input.type == "time":
            await person.say("none")  # no daily check-in
        else:
            await person.say("skip")
        said += person.last
    raise AssertionError(f"{person.key} is still in a flow after {limit} steps")


def contains(haystack: str, said: str) -> bool:
    """Whether `said` appears in `haystack` as whole words, ignoring case."""
    return re.search(rf"(?<!\w){re.escape(said.lower())}(?!\w)", haystack.lower()) is not None
