"""The house rules, checked from the code's own imports (read as text, nothing run).

* no import cycle anywhere in `bot/` (type-only imports count);
* no domain package imports the core (`bot.app`): domains see it through `bot.ports`;
* the engine never imports Telegram, storage never imports the engine;
* every domain package's `register` is listed in the composition, and nothing registers
  itself at import (no module-level registry objects in the domain packages).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from bot.composition import DOMAINS, compose

BOT = Path(__file__).resolve().parent.parent / "bot"
DOMAIN_PACKAGES = ("safety", "handoff", "coaching", "checkins", "privacy", "scheduling",
                   "referrals", "understanding")


def _modules() -> dict[str, Path]:
    found = {}
    for path in BOT.rglob("*.py"):
        rel = path.relative_to(BOT.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of `bot` it imports (relative imports resolved)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                subs = {f"{base}.{alias.name}" for alias in node.names}
                deps |= subs
                if not all(sub in modules for sub in subs):
                    deps.add(base)
        graph[name] = {dep for dep in deps if dep in modules and dep != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_in_bot() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_domain_module_imports_the_core() -> None:
    graph = import_graph()
    offenders = sorted(
        name for name, deps in graph.items()
        if name.split(".")[1:2] and name.split(".")[1] in DOMAIN_PACKAGES and "bot.app" in deps
    )
    assert offenders == []


def test_layers_keep_to_themselves() -> None:
    graph = import_graph()
    for name, deps in graph.items():
        if name.startswith("bot.engine"):
            assert not any(d.startswith(("bot.channels", "bot.storage", "bot.app")) for d in deps)
        if name.startswith("bot.storage"):
            assert not any(d.startswith(("bot.engine", "bot.app")) for d in deps), name
    telegram_users = [name for name, path in _modules().items()
                      if "import telegram" in path.read_text() or "from telegram" in
                      path.read_text()]
    assert all(name.startswith(("bot.channels", "bot.web", "bot.devtools", "bot.cli"))
               for name in telegram_users), telegram_users


def test_every_wiring_module_is_in_the_composition() -> None:
    listed = {register.__module__ for _, register in DOMAINS}
    wiring = {f"bot.{path.parent.name}.wiring" for path in BOT.glob("*/wiring.py")}
    assert wiring <= listed


def test_composition_lists_what_the_flows_need() -> None:
    described = compose().describe()
    assert "safety.crisis_open" in described["actions"]
    assert described["screens"][0].endswith("screen_for_crisis")
    assert {"checkin", "weekly_summary", "plan_step", "safety_followup",
            "coach_left"} <= set(described["nudge_kinds"])
