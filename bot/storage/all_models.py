"""Imports every models module so `Base.metadata` knows every table (for Alembic and tests).

A domain package that adds models adds its module here.
"""

from __future__ import annotations

from bot.storage.models import Base, Conversation, Person

__all__ = ["Base", "Conversation", "Person"]
