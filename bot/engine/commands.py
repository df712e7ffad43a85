"""Global commands (work from any state), read from `flows/_commands.yaml`.

A command either starts a flow (the flow file says `command: plan`), or is listed in
`_commands.yaml` with what it does: `say` a template, run an `action`, or a `builtin`
(start, cancel, help) the engine implements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

COMMANDS_FILE = "_commands.yaml"
BUILTINS = ("start", "cancel", "resume")
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(?P<args>.*))?$", re.S)


@dataclass(frozen=True)
class CommandSpec:
    """One global command."""

    name: str
    menu: str | None = None  # template key of its menu description
    say: str | None = None
    action: str | None = None
    builtin: str | None = None
    flow: str | None = None
    hidden: bool = False  # works, but not in the menu


@dataclass(frozen=True)
class ParsedCommand:
    """`/name args` split apart."""

    name: str
    args: str


def parse_command(text: str) -> ParsedCommand | None:
    """`/plan`, `/pause 3`, `/start@MyBot` -> ParsedCommand; anything else -> None."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    return ParsedCommand(match["name"].lower(), (match["args"] or "").strip())


def load_commands(directory: Path) -> tuple[list[CommandSpec], list[str], list[str]]:
    """Commands from `_commands.yaml`: (specs, menu order, problems)."""
    path = directory / COMMANDS_FILE
    problems: list[str] = []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    specs = []
    for name, body in (raw.get("commands") or {}).items():
        body = body or {}
        spec = CommandSpec(
            name=str(name),
            menu=body.get("menu"),
            say=body.get("say"),
            action=body.get("action"),
            builtin=body.get("builtin"),
            hidden=bool(body.get("hidden", False)),
        )
        if sum(1 for part in (spec.say, spec.action, spec.builtin) if part) != 1:
            problems.append(f"{COMMANDS_FILE}: /{name} needs exactly one of say, action, builtin.")
        if spec.builtin and spec.builtin not in BUILTINS:
            problems.append(f"{COMMANDS_FILE}: /{name}: builtin must be one of {BUILTINS}.")
        specs.append(spec)
    return specs, [str(item) for item in raw.get("menu") or []], problems
