"""Templates the channels render themselves (outside any flow)."""

from __future__ import annotations

from bot.engine.render import code_template

NOT_FOR_YOU = code_template("handoff/not_for_you")
PRIVATE_ONLY = code_template("system/private_only")
SOMETHING_WENT_WRONG = code_template("system/something_went_wrong")
