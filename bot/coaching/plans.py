"""The change plan: its parts, its versions, and what other packages may read of it.

The plan follows the eight fields of the SMART Recovery Change Plan Worksheet. Its content
is one JSON document (stored encrypted, see `models.PlanVersion`)::

    {"changes": str, "importance": int, "importance_why": str, "importance_higher": str,
     "confidence": int, "confidence_why": str, "confidence_higher": str,
     "reasons": str, "steps": [{"text": str, "weekdays": [0-6, ...], "date": "YYYY-MM-DD"|None}],
     "helpers": [{"who": str, "how": str}], "signs": str,
     "obstacles": [{"obstacle": str, "response": str}]}

Any value may be missing or None (the person skipped it). Every save adds a version; the
first and any rebuilt plan are recorded as changing "all".

For the check-ins package: `current_plan_steps(session, person_id)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coaching.models import Plan, PlanVersion

# The eight parts a person can change one at a time, in worksheet order, with the
# content keys each part owns.
PARTS: dict[str, tuple[str, ...]] = {
    "changes": ("changes",),
    "importance": ("importance", "importance_why", "importance_higher"),
    "confidence": ("confidence", "confidence_why", "confidence_higher"),
    "reasons": ("reasons",),
    "steps": ("steps",),
    "helpers": ("helpers",),
    "signs": ("signs",),
    "obstacles": ("obstacles",),
}
LIST_PARTS = ("steps", "helpers", "obstacles")
WHOLE_PLAN = "all"


@dataclass(frozen=True)
class PlanStep:
    """One step of a person's plan, optionally on some weekdays or on one date.

    Attributes:
        text: the step in the person's own words.
        weekdays: 0 = Monday ... 6 = Sunday (as `date.weekday()`), every week; may be empty.
        on_date: a calendar date in the person's own time zone, or None.
    """

    text: str
    weekdays: tuple[int, ...] = ()
    on_date: date | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanStep:
        """A step from its stored form (older steps kept one `weekday`)."""
        raw_date = data.get("date")
        weekdays = data.get("weekdays")
        if weekdays is None:
            weekdays = [] if data.get("weekday") is None else [data["weekday"]]
        return cls(
            text=str(data.get("text") or ""),
            weekdays=tuple(int(d) for d in weekdays),
            on_date=date.fromisoformat(raw_date) if raw_date else None,
        )

    def to_json(self) -> dict[str, Any]:
        """The stored form of the step."""
        return {
            "text": self.text,
            "weekdays": list(self.weekdays),
            "date": self.on_date.isoformat() if self.on_date else None,
        }


@dataclass(frozen=True)
class SavedVersion:
    """One version of a plan as read back."""

    version: int
    created_at: datetime
    changed_field: str
    content: dict[str, Any]


def empty_content() -> dict[str, Any]:
    """A plan with nothing written yet."""
    content: dict[str, Any] = {key: None for keys in PARTS.values() for key in keys}
    for part in LIST_PARTS:
        content[part] = []
    return content


def has_anything(content: dict[str, Any]) -> bool:
    """Whether the person wrote anything at all (an all-skipped plan is not saved)."""
    return any(value not in (None, "", []) for value in content.values())


async def find_plan(session: AsyncSession, person_id: int) -> Plan | None:
    """The person's plan row, if they have one."""
    query = select(Plan).where(Plan.person_id == person_id)
    return (await session.execute(query)).scalar_one_or_none()


async def current_version(session: AsyncSession, person_id: int) -> SavedVersion | None:
    """The person's current plan, or None when they have not written one."""
    plan = await find_plan(session, person_id)
    if plan is None:
        return None
    query = select(PlanVersion).where(
        PlanVersion.plan_id == plan.id, PlanVersion.version == plan.current_version
    )
    row = (await session.execute(query)).scalar_one()
    return _saved(row)


async def all_versions(session: AsyncSession, person_id: int) -> list[SavedVersion]:
    """Every version of the person's plan, oldest first."""
    plan = await find_plan(session, person_id)
    if plan is None:
        return []
    query = select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(
        PlanVersion.version
    )
    return [_saved(row) for row in (await session.execute(query)).scalars()]


async def save_version(
    session: AsyncSession,
    person_id: int,
    content: dict[str, Any],
    changed_field: str,
    now: datetime,
) -> SavedVersion:
    """Store `content` as the person's new current plan; earlier versions are kept."""
    if changed_field != WHOLE_PLAN and changed_field not in PARTS:
        raise ValueError(f"unknown plan part {changed_field!r}")
    plan = await find_plan(session, person_id)
    if plan is None:
        plan = Plan(person_id=person_id, created_at=now, updated_at=now, current_version=0)
        session.add(plan)
        await session.flush()
    plan.current_version += 1
    plan.updated_at = now
    row = PlanVersion(
        plan_id=plan.id,
        version=plan.current_version,
        created_at=now,
        changed_field=changed_field,
        content=content,
    )
    session.add(row)
    await session.flush()
    return _saved(row)


async def current_plan_steps(session: AsyncSession, person_id: int) -> list[PlanStep]:
    """The steps of the person's current plan (empty when there is no plan)."""
    saved = await current_version(session, person_id)
    if saved is None:
        return []
    return [PlanStep.from_json(item) for item in saved.content.get("steps") or []]


def with_part(content: dict[str, Any], part: str, values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `content` whose `part` is replaced by `values` (keys the part owns)."""
    updated = {**empty_content(), **content}
    for key in PARTS[part]:
        updated[key] = values.get(key)
    if part in LIST_PARTS and updated[part] is None:
        updated[part] = []
    return updated


def _saved(row: PlanVersion) -> SavedVersion:
    return SavedVersion(
        version=row.version,
        created_at=row.created_at,
        changed_field=row.changed_field,
        content={**empty_content(), **(row.content or {})},
    )
