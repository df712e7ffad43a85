"""Whose message is this? A pure policy over facts read with the person at every step.

A registered coach who holds a claimed handoff is in *coach mode*: every plain message they
send goes to that person. A coach who just closed a chat owes a closing note: their next
message is it. A person whose handoff a coach has claimed is *in a coach chat*: their plain
messages go to that coach (after the safety screens). Everyone else, coaches included the rest
of the time, talks with the bot.

The facts are SQL `exists()` columns of the step's one load query (`registry.person_fact`),
so knowing the role costs no query of its own.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, exists

from bot.handoff.models import CLAIMED, CLOSED, WAITING, Coach, Handoff


class Role(enum.Enum):
    """What a message means, by who sends it."""

    PERSON = "person"
    IN_COACH_CHAT = "in_coach_chat"  # a coach has their handoff: messages go to the coach
    COACH = "coach"  # a coach talking to the bot like anyone else
    COACH_IN_CHAT = "coach_in_chat"  # a coach holding a chat: messages go to that person
    COACH_NOTE = "coach_note"  # a coach who owes the closing note of the chat just ended


IS_COACH = "handoff.is_coach"
HOLDS_CHAT = "handoff.holds_chat"
OWES_NOTE = "handoff.owes_note"
IN_RELAY = "handoff.in_relay"
WAITING_FOR_COACH = "handoff.waiting"


def _coach_of(person_id: ColumnElement[int]) -> Any:
    return and_(Coach.person_id == person_id, Coach.removed_at.is_(None))


def is_coach(person_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: the person is a current coach."""
    return exists().where(_coach_of(person_id))


def holds_chat(person_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: the person is a coach holding a claimed handoff."""
    return exists().where(Handoff.coach_id == Coach.id, _coach_of(person_id),
                          Handoff.status == CLAIMED)


def owes_note(person_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: the person is a coach whose last chat ended and whose note is still owed."""
    return exists().where(Handoff.coach_id == Coach.id, _coach_of(person_id),
                          Handoff.status == CLOSED, Handoff.note_pending.is_(True))


def in_relay(person_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: a coach has claimed this person's handoff."""
    return exists().where(Handoff.person_id == person_id, Handoff.status == CLAIMED)


def waiting(person_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: this person is in the queue for a coach (nobody has picked it up yet)."""
    return exists().where(Handoff.person_id == person_id, Handoff.status == WAITING)


FACTS = {IS_COACH: is_coach, HOLDS_CHAT: holds_chat, OWES_NOTE: owes_note, IN_RELAY: in_relay,
         WAITING_FOR_COACH: waiting}
"""The facts `role_of` reads, registered with the step's load query."""


def role_of(facts: Mapping[str, bool]) -> Role:
    """The role of the person in this step, from the facts loaded with them."""
    if facts.get(HOLDS_CHAT):
        return Role.COACH_IN_CHAT
    if facts.get(IN_RELAY):
        return Role.IN_COACH_CHAT
    if facts.get(OWES_NOTE):
        return Role.COACH_NOTE
    if facts.get(IS_COACH):
        return Role.COACH
    return Role.PERSON


def speaks_as_coach(facts: Mapping[str, bool]) -> bool:
    """Whether this person's next plain message is a coach's words to someone else (coach
    mode or a closing note). The safety screens leave such messages alone: they are not
    about the coach's own safety ("if you feel like ending your life, call 988")."""
    return role_of(facts) in (Role.COACH_IN_CHAT, Role.COACH_NOTE)


def in_coach_chat(facts: Mapping[str, bool]) -> bool:
    """Whether a coach is talking with this person right now."""
    return role_of(facts) is Role.IN_COACH_CHAT


def waiting_for_coach(facts: Mapping[str, bool]) -> bool:
    """Whether this person is in the queue and no coach has picked it up yet."""
    return bool(facts.get(WAITING_FOR_COACH)) and role_of(facts) is Role.PERSON
