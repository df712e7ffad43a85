"""Registers /privacy, /export and /delete's actions, the retention service and
`recovery-bot keys rotate`. Imported at start-up with every `bot/<package>/wiring.py`."""

from __future__ import annotations

import logging

from bot.engine.actions import ActionCall, ActionResult, Say, actions
from bot.engine.render import code_template
from bot.privacy import retention as _retention  # noqa: F401 - registers the service
from bot.privacy.export import export_files
from bot.privacy.forget import forget_person
from bot.privacy.records import rows_about

log = logging.getLogger(__name__)

PRIVACY = code_template("system/privacy")
EXPORT_JSON = code_template("privacy/export_json")
EXPORT_HTML_CAPTION = code_template("privacy/export_html")


@actions.register("privacy.explain")
async def explain(call: ActionCall) -> ActionResult:
    """/privacy: what is kept, why, who sees it, for how long, and how to take or delete it."""
    return ActionResult(say=[Say(PRIVACY, {"retention_days": call.deps.settings.retention_days})])


@actions.register("privacy.export")
async def export(call: ActionCall) -> ActionResult:
    """/export: everything stored about the person, as a JSON file and an HTML page."""
    deps = call.deps
    await deps.session.flush()
    rows = await rows_about(deps.session, deps.person.id)
    machine, page = export_files(deps.app.engine.renderer, rows, deps.now)
    log.info("export sent (%d tables)", len(rows))
    return ActionResult(say=[Say(EXPORT_JSON, attachment=machine),
                             Say(EXPORT_HTML_CAPTION, attachment=page)])


@actions.register("privacy.forget")
async def forget(call: ActionCall) -> ActionResult:
    """/delete, confirmed twice: every row about the person goes; their coach is told."""
    deps = call.deps
    says = await forget_person(deps.session, deps.person, deps.now)
    deps.forgotten = True
    log.info("a person deleted their data")
    return ActionResult(say=says)
