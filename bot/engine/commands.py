"""Global commands (work from any state), read from `flows/_commands*.yaml`.

A command either starts a flow (the flow file says `command: plan`), or is listed in a
`_commands*.yaml` file with what it does: `say` a template, run an `action`, or a `builtin`
(start, cancel, continue) the engine implements. `order` places it in the command menu
(lower first); a command without `order` works but is not in the menu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot import yamlio

COMMANDS_GLOB = "_commands*.yaml"
BUILTINS = ("start", "cancel", "continue")
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
    order: int | None = None  # position in the command menu; None = not in the menu


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


def load_commands(directory: Path) -> tuple[list[CommandSpec], list[str]]:
    """Commands from every `_commands*.yaml` file: (specs, problems)."""
    problems: list[str] = []
    specs: dict[str, CommandSpec] = {}
    for path in sorted(directory.glob(COMMANDS_GLOB)):
        raw = yamlio.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, body in (raw.get("commands") or {}).items():
            body = body or {}
            spec = CommandSpec(
                name=str(name),
                menu=body.get("menu"),
                say=body.get("say"),
                action=body.get("action"),
                builtin=body.get("builtin"),
                order=body.get("order"),
            )
            where = f"{path.name}: /{name}"
            if spec.name in specs:
                problems.append(f"{where} is defined twice.")
            if sum(1 for part in (spec.say, spec.action, spec.builtin) if part) != 1:
                problems.append(f"{where} needs exactly one of say, action, builtin.")
            if spec.builtin and spec.builtin not in BUILTINS:
                problems.append(f"{where}: builtin must be one of {BUILTINS}.")
            if spec.order is not None and not spec.menu:
                problems.append(f"{where}: a command in the menu (`order`) needs `menu`.")
            specs[spec.name] = spec
    return list(specs.values()), problems


def load_before_consent(directory: Path, known: set[str]) -> tuple[frozenset[str], list[str]]:
    """The `before_consent:` lists of the `_commands*.yaml` files: (names, problems)."""
    names: set[str] = set()
    problems: list[str] = []
    for path in sorted(directory.glob(COMMANDS_GLOB)):
        raw = yamlio.safe_load(path.read_text(encoding="utf-8")) or {}
        for name in raw.get("before_consent") or []:
            if str(name) not in known:
                problems.append(f"{path.name}: before_consent names unknown command /{name}.")
            names.add(str(name))
    return frozenset(names), problems
