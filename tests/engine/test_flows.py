"""Flow validation: every kind of mistake is caught with a message naming flow and state."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.composition import compose
from bot.engine.flows import load_flows
from bot.engine.graph import mermaid
from bot.engine.loader import check_engine
from bot.engine.validate import validate_flow
from bot.paths import FLOWS_DIR


def problems_for(tmp_path: Path, flow_yaml: str, templates: dict[str, str]) -> list[str]:
    flows_dir = tmp_path / "flows"
    flows_dir.mkdir()
    (flows_dir / "demo.yaml").write_text(flow_yaml)
    known = set(templates)
    flows, problems = load_flows(flows_dir)
    for flow in flows.flows.values():
        problems += validate_flow(
            flow,
            flow_names=flows.flows,
            has_template=known.__contains__,
            has_action=lambda name: name == "known.action",
            check_expression=lambda expr: None if "((" not in expr else "bad syntax",
        )
    return problems


GOOD = """
flow: demo
title: t/title
start: ask
states:
  ask:
    prompt: t/ask
    input: {type: choice, options: [{value: a, label: t/a}, {value: b, label: t/b}]}
    next: {a: done, b: done}
  done:
    prompt: t/done
    next: end
"""
TEMPLATES = {key: "x" for key in ("t/title", "t/ask", "t/a", "t/b", "t/done")}


def test_a_good_flow_has_no_problems(tmp_path: Path) -> None:
    assert problems_for(tmp_path, GOOD, TEMPLATES) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("next: {a: done, b: done}", "next: {a: done, b: nowhere}"),
         "state 'ask': `next` goes to 'nowhere'"),
        (("prompt: t/done", "prompt: t/missing"), "state 'done': template 't/missing'"),
        (("    next: end\n", "    next: done\n"), "state 'done': dead end"),
        (("{a: done, b: done}", "{a: done, c: done}"), "names value 'c', which no option has"),
        (("start: ask", "start: nope"), "start state 'nope'"),
        (("type: choice", "type: colour"), "input type 'colour' unknown"),
        (("prompt: t/done\n", "prompt: t/done\n    action: missing.action\n"),
         "action 'missing.action' is not registered"),
        (("prompt: t/done\n", "prompt: t/done\n    skip_if: \"((\"\n"), "condition"),
    ],
)
def test_each_mistake_is_named(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    problems = problems_for(tmp_path, GOOD.replace(*change), TEMPLATES)
    assert any(expected in problem for problem in problems), problems
    assert all("demo" in problem for problem in problems)


def test_unreachable_state_is_reported(tmp_path: Path) -> None:
    flow = GOOD + "  orphan:\n    prompt: t/done\n    next: end\n"
    problems = problems_for(tmp_path, flow, TEMPLATES)
    assert any("state 'orphan': unreachable" in problem for problem in problems)


def test_missing_next_is_a_dead_end(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, GOOD.replace("    next: end\n", ""), TEMPLATES)
    assert any("state 'done': dead end" in problem for problem in problems)


def test_the_real_flows_and_templates_are_valid() -> None:
    engine, problems = check_engine(compose().actions)
    assert problems == []
    assert engine is not None and "onboarding" in engine.flows


def test_a_template_nobody_uses_is_reported(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    import shutil

    from bot.paths import TEMPLATES_DIR

    shutil.copytree(TEMPLATES_DIR, templates)
    (templates / "en" / "onboarding" / "forgotten.j2").write_text("Nobody says this.")
    _, problems = check_engine(compose().actions, templates_dir=templates)
    assert problems == [
        "template 'onboarding/forgotten' is never used by a flow, command or code; "
        "remove it or use it."
    ]


def test_mermaid_graph_shows_every_state_and_transition() -> None:
    flows, _ = load_flows(FLOWS_DIR)
    text = mermaid(flows["onboarding"])
    assert text.startswith("stateDiagram-v2")
    assert "welcome --> consented: agree" in text and "later --> [*]" in text
