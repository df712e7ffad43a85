"""Flows are data: load `flows/*.yaml` into typed objects (their meaning is checked in
`validate.py`).

A flow file looks like::

    flow: onboarding
    title: onboarding/title          # template key of a short name for the flow
    command: start                   # optional: /start begins it
    menu: menu/start                 # optional: description in the command menu
    start: welcome
    states:
      welcome:
        say: [onboarding/hello]      # sent before the prompt
        prompt: onboarding/consent   # template key
        input: {type: choice, options: [{value: agree, label: onboarding/btn_agree}]}
        next: {agree: name, default: end}

An option may carry `if: <Jinja expression>`: its button is offered only when that holds
(e.g. only the referral categories the person's country has).

Parsing (shape, here) and validation (meaning, `validate.py`) are separate; both return one
message per problem, naming the file, flow and state and saying how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import yamlio
from bot.engine.listening import Behaviour, parse_table

END = "end"
PAUSE_ALL = "pause_all"  # end this flow and set everything below aside, as /cancel does
FLOW_PREFIX = "flow:"
INPUT_TYPES = ("text", "choice", "scale", "time", "timezone", "country", "number")
DEFAULT_TEXT_LIMIT = 1000


@dataclass(frozen=True)
class Option:
    """One button of a choice input."""

    value: str
    label: str  # template key
    condition: str | None = None  # `if:` a Jinja expression; the button shows only when true


@dataclass(frozen=True)
class InputSpec:
    """What a state expects from the person."""

    type: str
    max_length: int = DEFAULT_TEXT_LIMIT
    min_length: int = 1
    minimum: int = 0
    maximum: int = 10
    options: tuple[Option, ...] = ()
    skippable: bool = False
    allow_none: bool = False  # e.g. "no daily check-in" for a time input
    free_text: bool = False  # a choice that also accepts a typed answer as itself
    words: str | None = None  # a vocabulary of words and emoji meaning each option (input/)
    # A choice's reading of a typed answer that matches no option: that option's value (the
    # safe reading of "is anyone in danger?" when the answer is unclear is yes).
    otherwise: str | None = None


@dataclass(frozen=True)
class Branch:
    """One conditional transition: go to `target` when `condition` (a Jinja expression) holds."""

    target: str
    condition: str | None = None
    value: str | None = None  # for choice inputs: taken when the answer equals this value


@dataclass(frozen=True)
class State:
    """One step of a flow."""

    name: str
    prompt: str | None
    say: tuple[str, ...] = ()
    input: InputSpec | None = None
    save: str | None = None
    reply: str | None = None
    action: str | None = None
    enter: str | None = None
    skip_if: str | None = None
    branches: tuple[Branch, ...] = ()
    closing: bool = False  # an optional last offer: starting anything else ends the flow here
    # What kinds of typed answer get here, where they differ from flows/_listening.yaml.
    listen: Mapping[str, Behaviour] = field(default_factory=dict)
    easier: str | None = None  # an easier way to ask (examples), after a non-answer
    context: str | None = None  # what the question is about (templates and understanding)
    # Words typed where buttons were offered are listened to (a painful feeling, annoyance,
    # a lapse) as in coaching flows, not only answered with "tap a button".
    off_script: bool = False

    def templates(self) -> list[str]:
        """Every template key this state renders."""
        keys = [*self.say, *(b.reply for b in self.listen.values() if b.reply)]
        for key in (self.prompt, self.reply, self.easier):
            if key:
                keys.append(key)
        if self.input:
            keys.extend(option.label for option in self.input.options)
        return keys

    def targets(self) -> list[str]:
        """Every place this state can lead to."""
        return [branch.target for branch in self.branches]

    def flows_started(self) -> list[str]:
        """Flows its `listen:` behaviours start."""
        return [b.flow for b in self.listen.values() if b.flow]


@dataclass(frozen=True)
class Flow:
    """A whole flow: its states and how they connect."""

    name: str
    title: str
    start: str
    states: Mapping[str, State]
    source: Path
    command: str | None = None
    menu: str | None = None
    order: int | None = None  # position of its command in the menu
    resumable: bool = True
    coaching: bool = False  # counted by the open-question measure
    on_complete: str | None = None

    def state(self, name: str) -> State:
        """The state called `name` (KeyError if none)."""
        return self.states[name]

    def templates(self) -> list[str]:
        """Every template key the flow renders."""
        keys = [self.title, *(self.menu and [self.menu] or [])]
        for state in self.states.values():
            keys.extend(state.templates())
        return keys


@dataclass
class FlowSet:
    """All flows, by name, with their commands."""

    flows: dict[str, Flow] = field(default_factory=dict)


    def __getitem__(self, name: str) -> Flow:
        return self.flows[name]

    def __contains__(self, name: object) -> bool:
        return name in self.flows


# ---------------------------------------------------------------- parsing (shape)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


def _parse_input(raw: Any, where: str, problems: list[str]) -> InputSpec | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict) or "type" not in raw:
        problems.append(f"{where}: `input` needs a `type` (one of {', '.join(INPUT_TYPES)}).")
        return None
    options = []
    for item in raw.get("options") or []:
        if not isinstance(item, dict) or "value" not in item or "label" not in item:
            problems.append(f"{where}: each option needs `value` and `label` (a template key).")
            continue
        options.append(Option(value=str(item["value"]), label=str(item["label"]),
                              condition=item.get("if")))
    otherwise = None if raw.get("otherwise") is None else str(raw["otherwise"])
    if otherwise is not None and otherwise not in {option.value for option in options}:
        problems.append(f"{where}: `otherwise` must be one of the options' values.")
    return InputSpec(
        type=str(raw["type"]),
        max_length=int(raw.get("max_length", DEFAULT_TEXT_LIMIT)),
        min_length=int(raw.get("min_length", 1)),
        minimum=int(raw.get("min", 0)),
        maximum=int(raw.get("max", 10)),
        options=tuple(options),
        skippable=bool(raw.get("skip", False)),
        allow_none=bool(raw.get("allow_none", False)),
        free_text=bool(raw.get("free_text", False)),
        words=raw.get("words"),
        otherwise=otherwise,
    )


def _parse_next(raw: Any, where: str, problems: list[str]) -> tuple[Branch, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (Branch(target=raw),)
    if isinstance(raw, dict):
        branches = [Branch(target=str(t), value=str(v)) for v, t in raw.items() if v != "default"]
        if "default" in raw:
            branches.append(Branch(target=str(raw["default"])))
        return tuple(branches)
    if isinstance(raw, list):
        branches = []
        for item in raw:
            if not isinstance(item, dict) or "goto" not in item:
                problems.append(f"{where}: each `next` item needs `goto` (and optionally `if`).")
                continue
            branches.append(Branch(target=str(item["goto"]), condition=item.get("if")))
        return tuple(branches)
    problems.append(f"{where}: `next` must be a state name, a value map or a list of `if`/`goto`.")
    return ()


def parse_flow(path: Path, problems: list[str]) -> Flow | None:
    """Parse one flow file; append shape problems to `problems`."""
    try:
        raw = yamlio.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML ({exc}).")
        return None
    if not isinstance(raw, dict) or "flow" not in raw or "states" not in raw:
        problems.append(f"{path.name}: a flow file needs `flow`, `start`, `title` and `states`.")
        return None
    name = str(raw["flow"])
    states: dict[str, State] = {}
    for state_name, body in (raw.get("states") or {}).items():
        where = f"{path.name}: flow '{name}', state '{state_name}'"
        body = body or {}
        if not isinstance(body, dict):
            problems.append(f"{where}: a state is a mapping of prompt/input/next.")
            continue
        unknown = set(body) - {
            "say", "prompt", "input", "save", "reply", "action", "enter", "skip_if", "next",
            "closing", "listen", "easier", "context", "off_script",
        }
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}; check the spelling.")
        states[str(state_name)] = State(
            name=str(state_name),
            prompt=body.get("prompt"),
            say=_as_tuple(body.get("say")),
            input=_parse_input(body.get("input"), where, problems),
            save=body.get("save"),
            reply=body.get("reply"),
            action=body.get("action"),
            enter=body.get("enter"),
            skip_if=body.get("skip_if"),
            branches=_parse_next(body.get("next"), where, problems),
            closing=bool(body.get("closing", False)),
            listen=parse_table(body.get("listen"), f"{where}: listen", (), problems),
            easier=body.get("easier"),
            context=body.get("context"),
            off_script=bool(body.get("off_script", False)),
        )
    return Flow(
        name=name,
        title=str(raw.get("title", "")),
        start=str(raw.get("start", "")),
        states=states,
        source=path,
        command=raw.get("command"),
        menu=raw.get("menu"),
        order=raw.get("order"),
        resumable=bool(raw.get("resumable", True)),
        coaching=bool(raw.get("coaching", False)),
        on_complete=raw.get("on_complete"),
    )


def load_flows(directory: Path) -> tuple[FlowSet, list[str]]:
    """Parse every `*.yaml` in `directory`; return the flows and any shape problems."""
    problems: list[str] = []
    flows = FlowSet()
    for path in sorted(directory.glob("[!_]*.yaml")):
        flow = parse_flow(path, problems)
        if flow is None:
            continue
        if flow.name in flows.flows:
            problems.append(f"{path.name}: flow name '{flow.name}' is used twice.")
        flows.flows[flow.name] = flow
    commands: dict[str, str] = {}
    for flow in flows.flows.values():
        if flow.command:
            if flow.command in commands:
                problems.append(
                    f"{flow.source.name}: command /{flow.command} is already used by flow "
                    f"'{commands[flow.command]}'."
                )
            commands[flow.command] = flow.name
    return flows, problems

