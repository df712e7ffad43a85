"""Load flows, commands and templates into an `Engine`, checking everything at once.

`load_engine()` is what start-up and `recovery-bot flows check` both call: any problem
(unknown target, missing template, unreachable state, dead end, template never used,
unregistered action) stops start-up with one line per problem.
"""

from __future__ import annotations

from pathlib import Path

from bot.engine.actions import ActionRegistry
from bot.engine.commands import load_before_consent, load_commands
from bot.engine.flows import load_flows
from bot.engine.listening import load_listening
from bot.engine.parts import Understand
from bot.engine.render import Renderer
from bot.engine.runtime import Engine
from bot.engine.validate import check_all
from bot.paths import FLOWS_DIR, TEMPLATES_DIR


def check_engine(
    registry: ActionRegistry,
    *,
    flows_dir: Path = FLOWS_DIR,
    templates_dir: Path = TEMPLATES_DIR,
    locale: str = "en",
    understand: Understand | None = None,
) -> tuple[Engine | None, list[str]]:
    """Build the engine and list every problem found (empty list = all good)."""
    flows, problems = load_flows(flows_dir)
    listening, listening_problems = load_listening(flows_dir)
    problems += listening_problems
    commands, command_problems = load_commands(flows_dir)
    problems += command_problems
    renderer = Renderer(templates_dir, locale)
    problems += renderer.check_all({})
    known = {spec.name for spec in commands} | {
        flow.command for flow in flows.flows.values() if flow.command}
    before_consent, consent_problems = load_before_consent(flows_dir, known)
    problems += consent_problems
    problems += check_all(flows, listening, commands, renderer, registry)
    if problems:
        return None, problems
    return Engine(flows, renderer, registry, commands, locale, listening=listening,
                  understand=understand, before_consent=before_consent), []
