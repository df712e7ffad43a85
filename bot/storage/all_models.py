"""Imports every models module so `Base.metadata` knows every table (for Alembic and tests).

Each domain package keeps its tables in `bot/<package>/models.py`; they are found here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from bot.storage.models import Base, Conversation, Person

_BOT = Path(__file__).resolve().parent.parent
for _path in sorted(_BOT.glob("*/models.py")):
    if _path.parent.name != "storage":
        importlib.import_module(f"bot.{_path.parent.name}.models")

__all__ = ["Base", "Conversation", "Person"]
