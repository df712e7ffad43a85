"""Every check of the engine's data in one place: each flow's meaning (targets, templates,
actions, conditions, reachable states, no dead ends), then how flows, listening, commands and
templates fit together (every template used, every command's template and action there).

`loader.check_engine` calls `check_all` at start-up and for `recovery-bot flows check`;
`flows.py` only parses (the shape of each file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from bot.engine.actions import ActionRegistry
from bot.engine.commands import CommandSpec
from bot.engine.flows import END, FLOW_PREFIX, INPUT_TYPES, PAUSE_ALL, Flow, FlowSet
from bot.engine.listening import Listening, check_listening
from bot.engine.render import Renderer, code_templates


def check_all(flows: FlowSet, listening: Listening, commands: Sequence[CommandSpec],
              renderer: Renderer, registry: ActionRegistry) -> list[str]:
    """Every problem in flows, listening, commands and templates together (empty: all good)."""
    problems: list[str] = []
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
    if "onboarding" not in flows:
        problems.append("flows: the 'onboarding' flow is required (the first conversation).")
    return problems




def _reachable(flow: Flow) -> set[str]:
    seen: set[str] = set()
    todo = [flow.start]
    while todo:
        name = todo.pop()
        if name in seen or name not in flow.states:
            continue
        seen.add(name)
        todo.extend(flow.states[name].targets())
    return seen


def _can_finish(flow: Flow) -> set[str]:
    """States from which some path leads out of the flow."""
    done: set[str] = set()
    changed = True
    while changed:
        changed = False
        for state in flow.states.values():
            if state.name in done:
                continue
            for target in state.targets():
                if target in (END, PAUSE_ALL) or target.startswith(FLOW_PREFIX) or target in done:
                    done.add(state.name)
                    changed = True
                    break
    return done


def validate_flow(
    flow: Flow,
    *,
    flow_names: Iterable[str],
    has_template: Callable[[str], bool],
    has_action: Callable[[str], bool],
    check_expression: Callable[[str], str | None],
) -> list[str]:
    """Meaning problems of one flow, each naming the flow and state and how to fix it."""
    problems: list[str] = []
    head = f"{flow.source.name}: flow '{flow.name}'"
    known_flows = set(flow_names)
    if not flow.title or not has_template(flow.title):
        problems.append(f"{head}: `title` must name an existing template (got {flow.title!r}).")
    if flow.menu and not has_template(flow.menu):
        problems.append(f"{head}: menu template '{flow.menu}' does not exist; add it.")
    if flow.on_complete and not has_action(flow.on_complete):
        problems.append(f"{head}: on_complete action '{flow.on_complete}' is not registered.")
    if flow.start not in flow.states:
        problems.append(f"{head}: start state '{flow.start}' is not one of its states.")
        return problems
    for state in flow.states.values():
        where = f"{head}, state '{state.name}'"
        if state.prompt is None and state.input is not None:
            problems.append(f"{where}: a state that takes input needs a `prompt` template.")
        for key in state.templates():
            if not has_template(key):
                problems.append(
                    f"{where}: template '{key}' does not exist; create "
                    f"resources/templates/<locale>/{key}.j2 or add it to a labels file."
                )
        for action in (state.action, state.enter):
            if action and not has_action(action):
                problems.append(f"{where}: action '{action}' is not registered.")
        for started in state.flows_started():
            if started not in known_flows:
                problems.append(f"{where}: `listen` starts unknown flow '{started}'.")
        if state.listen and (state.input is None or not (
                state.input.type == "text" or state.input.free_text)):
            problems.append(f"{where}: `listen` applies to questions that take typed text.")
        if state.save and not (state.save.startswith("profile.") or state.save == "answers"):
            problems.append(f"{where}: `save` must be 'profile.<field>' or 'answers'.")
        if not state.branches:
            problems.append(f"{where}: dead end: add `next` (a state, `end` or `flow:<name>`).")
        spec = state.input
        if spec is not None:
            if spec.type not in INPUT_TYPES:
                problems.append(f"{where}: input type '{spec.type}' unknown ({INPUT_TYPES}).")
            if spec.type == "choice" and not spec.options:
                problems.append(f"{where}: a choice input needs `options`.")
            if spec.type in ("scale", "number") and spec.minimum >= spec.maximum:
                problems.append(f"{where}: `min` must be below `max`.")
            values = {option.value for option in spec.options}
            for branch in state.branches:
                if (branch.value is not None and spec.type == "choice"
                        and branch.value not in values):
                    problems.append(
                        f"{where}: `next` names value '{branch.value}', which no option has."
                    )
        for branch in state.branches:
            target = branch.target
            if target.startswith(FLOW_PREFIX):
                if target[len(FLOW_PREFIX) :] not in known_flows:
                    problems.append(f"{where}: `next` goes to unknown flow '{target}'.")
            elif target not in (END, PAUSE_ALL) and target not in flow.states:
                problems.append(
                    f"{where}: `next` goes to '{target}', which is not a state of this flow "
                    f"(states: {', '.join(sorted(flow.states))})."
                )
        option_conditions = [o.condition for o in (spec.options if spec else ())]
        for expression in [state.skip_if, *(b.condition for b in state.branches),
                           *option_conditions]:
            if expression:
                error = check_expression(expression)
                if error:
                    problems.append(f"{where}: condition {expression!r} is invalid: {error}.")
    reachable = _reachable(flow)
    for name in sorted(set(flow.states) - reachable):
        problems.append(
            f"{head}, state '{name}': unreachable from '{flow.start}'; link it or remove it."
        )
    finishing = _can_finish(flow)
    for name in sorted(reachable - finishing):
        problems.append(
            f"{head}, state '{name}': dead end: no path from here leads to `end` or another flow."
        )
    return problems


