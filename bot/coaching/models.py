"""Tables of the coaching package: a person's change plan and every version of it.

A plan is one row per person; each save (the first plan, a rebuilt plan, one changed part)
adds a `plan_versions` row, so earlier versions are never lost. What the person wrote is
health information: a version's content is stored as one `EncryptedJSON` token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.types import EncryptedJSON


class Plan(Base):
    """A person's change plan: which version is current, and when it last changed."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    current_version: Mapped[int] = mapped_column(Integer)


class PlanVersion(Base):
    """One saved version of a plan: the whole content, and which part changed."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    changed_field: Mapped[str] = mapped_column(String(20))  # a PART name, or "all"
    content: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
