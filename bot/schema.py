"""Every table of the bot: `Base.metadata` with every domain package's models loaded.

Each domain package keeps its tables in `bot/<package>/models.py` on the storage package's
`Base`; they are listed here (for Alembic's migrations check, /export, /delete and key
rotation, which walk the whole schema).
"""

from __future__ import annotations

from bot.checkins import models as _checkins  # noqa: F401
from bot.coaching import models as _coaching  # noqa: F401
from bot.handoff import models as _handoff  # noqa: F401
from bot.privacy import models as _privacy  # noqa: F401
from bot.safety import models as _safety  # noqa: F401
from bot.scheduling import models as _scheduling  # noqa: F401
from bot.storage.models import Base, Conversation, Person

__all__ = ["Base", "Conversation", "Person"]
