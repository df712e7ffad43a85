"""The actions of /privacy, /export and /delete."""

from __future__ import annotations

import logging

from bot.engine.actions import ActionResult, Say
from bot.engine.render import code_template
from bot.ports import Call
from bot.privacy.export import export_files
from bot.privacy.forget import forget_person
from bot.privacy.records import rows_about

log = logging.getLogger(__name__)

PRIVACY = code_template("system/privacy")
EXPORT_JSON = code_template("privacy/export_json")
EXPORT_HTML_CAPTION = code_template("privacy/export_html")


async def explain(call: Call) -> ActionResult:
    """/privacy: what is kept, why, who sees it, for how long, and how to take or delete it."""
    return ActionResult(say=[Say(PRIVACY, {"retention_days": call.deps.settings.retention_days})])


async def export(call: Call) -> ActionResult:
    """/export: everything stored about the person, as a JSON file and an HTML page."""
    deps = call.deps
    await deps.session.flush()
    rows = await rows_about(deps.session, deps.person.id)
    machine, page = export_files(deps.services.renderer(deps.locale), rows, deps.now)
    log.info("export sent (%d tables)", len(rows))
    return ActionResult(say=[Say(EXPORT_JSON, attachment=machine),
                             Say(EXPORT_HTML_CAPTION, attachment=page)])


async def forget(call: Call) -> ActionResult:
    """/delete, confirmed twice: every row about the person goes; their coach is told."""
    deps = call.deps
    says = await forget_person(deps.session, deps.person, deps.now)
    deps.forgotten = True
    log.info("a person deleted their data")
    return ActionResult(say=says)
