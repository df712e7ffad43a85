"""Understanding what a person said before answering: the kind of thing, and its gist.

    from bot.understanding import understand
    heard = understand("I had a really rough day, I almost drank after work")
    heard.kind, heard.gist.phrase

Kinds and what they mean: `kinds.KINDS`. Data per locale in `resources/understanding/`.
"""

from bot.understanding.kinds import KINDS, NEVER_PRAISED, RISK_FACETS, Gist, Understanding
from bot.understanding.understand import risk_facet, understand

__all__ = ["KINDS", "NEVER_PRAISED", "RISK_FACETS", "Gist", "Understanding", "risk_facet",
           "understand"]
