"""Load flows, commands and templates into an `Engine`, checking everything at once.

`load_engine()` is what start-up and `recovery-bot flows check` both call: any problem
(unknown target, missing template, unreachable state, dead end, template never used,
unregistered action) stops start-up with one line per problem.
"""

from __future__ import annotations

from pathlib import Path

from bot.engine.actions import ActionRegistry
from bot.engine.commands import load_before_consent, load_commands
from bot.engine.flows import load_flows, validate_flow
from bot.engine.listening import check_listening, load_listening
from bot.engine.parts import Understand
from bot.engine.render import Renderer, code_templates
from bot.engine.runtime import Engine
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
    used: set[str] = set(code_templates()) | set(listening.templates())
    problems += check_listening(listening, has_template=renderer.has,
                                flow_names=set(flows.flows))
    for flow in flows.flows.values():
        problems += validate_flow(
            flow,
            flow_names=flows.flows,
            has_template=renderer.has,
            has_action=registry.has,
            check_expression=renderer.check_expression,
        )
        used.update(flow.templates())
        for state in flow.states.values():
            for kind in state.listen:
                if (listening.kinds and kind.split(":")[0] not in listening.kinds
                        and kind != "default"):
                    problems.append(f"{flow.source.name}: flow '{flow.name}', state "
                                    f"'{state.name}': `listen` names unknown kind '{kind}'.")
        if flow.on_complete:
            used.add(flow.title)
    flow_commands = {flow.command for flow in flows.flows.values() if flow.command}
    for spec in commands:
        if spec.name in flow_commands:
            problems.append(f"/{spec.name} is both a flow's command and in a _commands file.")
        for key in (spec.menu, spec.say):
            if key:
                used.add(key)
                if not renderer.has(key):
                    problems.append(f"commands: /{spec.name}: template '{key}' is missing.")
        if spec.action and not registry.has(spec.action):
            problems.append(f"commands: /{spec.name}: action '{spec.action}' is not registered.")
    for key in sorted(renderer.keys() - used):
        if not key.startswith("timezones/"):  # offered by country, not named in a flow
            problems.append(
                f"template '{key}' is never used by a flow, command or code; remove it or use it."
            )
    for key in sorted(code_templates() - renderer.keys()):
        problems.append(f"template '{key}' is used by code but does not exist; create it.")
    known = {spec.name for spec in commands} | {
        flow.command for flow in flows.flows.values() if flow.command}
    before_consent, consent_problems = load_before_consent(flows_dir, known)
    problems += consent_problems
    if "onboarding" not in flows:
        problems.append("flows: the 'onboarding' flow is required (the first conversation).")
    if problems:
        return None, problems
    return Engine(flows, renderer, registry, commands, locale, listening=listening,
                  understand=understand, before_consent=before_consent), []
