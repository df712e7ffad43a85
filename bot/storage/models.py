"""SQLAlchemy models of the foundation: people and their conversation state.

What a person typed is stored with `EncryptedText` / `EncryptedJSON` (see storage.crypto);
what is found by its value (the person's channel address) as a `Pseudonymous` token; what is
queried by range or order (times, status, zone) stays plain.

Each domain package adds its own models module next to this one (plans, check-ins, nudges,
handoffs) on the same `Base`, and its own Alembic revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.storage.types import EncryptedJSON, EncryptedText, Pseudonymous, UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Person(Base):
    """Someone who talks to the bot. Only what they chose to tell us, plus how to reach them."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "telegram:<chat id>" or "console:<name>", stored as a pseudonym (never the id itself)
    user_key: Mapped[str] = mapped_column(Pseudonymous, unique=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    consented_at: Mapped[datetime | None]
    onboarded_at: Mapped[datetime | None]
    preferred_name: Mapped[str | None] = mapped_column(EncryptedText)
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    pathway: Mapped[str | None] = mapped_column(EncryptedText)  # a health detail: encrypted
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))
    checkin_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local
    locale: Mapped[str] = mapped_column(String(10), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False once they block the bot


class Conversation(Base):
    """Where a person is in their flows: the engine's `ConversationState` as JSON.

    `version` guards against two workers writing the same conversation at once: a write
    based on a stale read fails and the step runs again.
    """

    __tablename__ = "conversations"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}


class KeyCanary(Base):
    """One known value encrypted under the keys of the first start (`storage.keycheck`):
    if the configured keys can't read it, the bot refuses to start rather than write new data
    nobody can read beside old data it can't."""

    __tablename__ = "key_canary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(EncryptedText)  # so `keys rotate` re-encrypts it too


class PseudonymKey(Base):
    """The key of every `Pseudonymous` column (`storage.pseudonyms`), encrypted under the
    Fernet keys: rotating those re-encrypts it and leaves every pseudonym as it was."""

    __tablename__ = "pseudonym_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(EncryptedText)
