"""Every free-text question of every flow, with one message of each kind that must never be
kept or praised: what the flows declare for it (flows/_listening.yaml and each state's
`listen:`) and the words of its reply. Static and fast; test_listening_per_kind.py walks the
commonest questions through the whole bot."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.composition import compose
from bot.engine.flows import State
from bot.engine.loader import check_engine
from bot.understanding import understand
from tests.understanding.support import PRAISE

EXAMPLES = {
    "non_answer": "idk",
    "discord": "this is a stupid question and I'm sick of answering them",
    "sustain_talk": "I don't really have a problem, I can stop whenever I want",
    "harmful": "drink after she goes to bed so she doesn't know",
    "distress": "I feel like a failure and I hate myself",
}
# Questions that ask for exactly this kind: the good things about using are sustain talk, and
# "what brings you here?" may honestly be "my wife thinks I've a problem; I don't" (kept as
# what brought them, said back with both sides, never as a goal).
ASKED_FOR = {("plan", "evoke_good", "sustain_talk"), ("plan", "evoke_less_good", "sustain_talk"),
             ("onboarding", "reason", "sustain_talk")}
RUN = 6  # six or more of the person's words in a row is quoting, not reflecting


def _engine() -> Any:
    engine, problems = check_engine(compose().actions, locale="en")
    assert engine is not None, problems
    return engine


ENGINE = _engine()
STATES = [(flow.name, state) for flow in ENGINE.flows.flows.values()
          for state in flow.states.values()
          if state.input is not None and (state.input.type == "text" or state.input.free_text)]


def quoted_run(reply: str, said: str) -> int:
    """The longest run of the person's words, in order, inside the reply."""
    words = re.findall(r"[a-z']+", said.lower())
    text = " " + " ".join(re.findall(r"[a-z']+", reply.lower())) + " "
    best = 0
    for start in range(len(words)):
        for end in range(start + best + 1, len(words) + 1):
            if " " + " ".join(words[start:end]) + " " in text:
                best = end - start
            else:
                break
    return best


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
@pytest.mark.parametrize(("flow", "state"), STATES,
                         ids=[f"{flow}.{state.name}" for flow, state in STATES])
def test_never_kept_never_praised_never_quoted(flow: str, state: State, kind: str) -> None:
    said = EXAMPLES[kind]
    heard = understand(said).as_dict()
    assert heard["kind"] == kind, heard  # the example says what it should
    behaviour = ENGINE.parts.listening.for_state(state.listen, kind, None)
    if (flow, state.name, kind) not in ASKED_FOR and kind != "distress":
        assert behaviour.then != "accept", f"{flow}.{state.name} keeps {kind}"
    if kind == "distress":  # the feeling first: its own conversation, or a reply that holds it
        assert behaviour.flow == "feelings" or behaviour.then == "accept", behaviour
    reply = behaviour.reply or (state.reply if behaviour.then == "accept" else None)
    if reply is None:
        return
    context = {"person": {"name": "Sam", "pathway": "cutting_down", "country": "GB"},
               "answers": {}, "facts": {"heard": heard, "plan": {}}, "heard": heard,
               "answer": said, "flow": flow, "state": state.name, "commands": [],
               "emergency_number": "999", "default_country": "GB"}
    for variant in range(ENGINE.parts.renderer.variants(reply)):
        text = ENGINE.parts.renderer.render(reply, context, variant=variant)
        assert not PRAISE.search(text), (reply, text)
        assert quoted_run(text, said) < RUN, (reply, text)
