"""Coaching style, measured over every coaching flow (flows marked `coaching: true`).

Open-question classifier: a free-text prompt (a state whose input is `text`) is rendered for
each pathway; its questions are the sentences ending in "?" (or, with none, a sentence that
starts "Tell me" / "Imagine" / "Describe"). The prompt is OPEN when its first question starts
with an open stem (what, how, why, who, which, where, when, tell me, imagine, describe), and
CLOSED when it starts with a yes/no auxiliary (is, are, do, does, did, can, could, would,
will, have, has, should). Every rendered variant counts once.
"""

from __future__ import annotations

import re
from typing import Any

from bot.app import RecoveryBot
from bot.engine.flows import Flow
from bot.understanding import understand

OPEN_STEMS = ("what", "how", "why", "who", "which", "where", "when", "tell me", "imagine",
              "describe")
PATHWAYS = ("stopping", "cutting_down", "safer_use", "not_sure", None)
SAMPLE = "walking by the sea with my dog"
NUMBERS = (0, 1, 2, 5, 9, 10)


def coaching_flows(core: RecoveryBot) -> list[Flow]:
    return [flow for flow in core.engine.flows.flows.values() if flow.coaching]


def contexts(pathway: str | None, number: int = 6) -> list[dict[str, Any]]:
    person = {"name": "Sam", "reason": "I want my mornings back", "pathway": pathway,
              "country": "GB", "timezone": "Europe/London", "checkin_time": None,
              "onboarded": True, "consented": True, "locale": "en"}
    answers = {key: SAMPLE for key in ("helper_who", "obstacle", "step_text", "strengths")}
    answers.update(importance=number, confidence=number, ideas_offer="yes")
    out = []
    for mode in ("build", "edit"):
        facts = {"mode": mode, "editing": "steps", "steps": [], "helpers": [], "obstacles": [],
                 "current_text": "an earlier answer", "current_number": 4,
                 # check-in facts
                 "lapse": False, "hard_day": False, "scheduled": False, "step": None,
                 "checkins": 3, "checkins_before": 2, "snooze_until": "21:00",
                 "close_call": False, "strong_craving": False, "good_day": False, "plan": {},
                 "heard": understand("I had a rough day").as_dict()}
        out.append({"person": person, "answers": answers, "facts": facts, "commands": [],
                    "flow": "plan", "state": "x", "default_country": "GB",
                    "emergency_number": "999", "heard": understand(SAMPLE).as_dict()})
    return out


def first_question(text: str) -> str:
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+|\n+", text) if s.strip()]
    questions = [s for s in sentences if s.endswith("?")]
    if questions:
        return questions[0]
    return next((s for s in sentences if s.lower().startswith(OPEN_STEMS)), "")


def is_open(question: str) -> bool:
    words = re.sub(r"^[^A-Za-z]+", "", question).lower()
    # "You said 6. Why a 6..." -> the question sentence itself starts the check.
    lead_in = re.match(r"^(and|so|now|if [^,?]*),? (what|how|why|who)\b", words)
    return words.startswith(OPEN_STEMS) or bool(lead_in)


def free_text_prompts(core: RecoveryBot) -> dict[str, bool]:
    """Every rendered free-text prompt of the coaching flows -> open?"""
    render = core.engine.renderer.render
    found: dict[str, bool] = {}
    for flow in coaching_flows(core):
        for state in flow.states.values():
            if state.input is None or state.input.type != "text":
                continue
            for pathway in PATHWAYS:
                for number in NUMBERS:
                    for ctx in contexts(pathway, number):
                        question = first_question(render(state.prompt, ctx))
                        found[question] = is_open(question)
    return found


async def test_at_least_70_percent_of_free_text_prompts_are_open_questions(
    core: RecoveryBot,
) -> None:
    found = free_text_prompts(core)
    share = 100 * sum(found.values()) / len(found)
    closed = [q for q, ok in found.items() if not ok]
    print(f"\nopen questions: {sum(found.values())}/{len(found)} = {share:.0f}%; closed: {closed}")
    assert len(found) >= 20
    assert share >= 70, closed


def test_the_classifier_tells_open_from_closed() -> None:
    assert is_open(first_question("You said 6. Why a 6 and not a 3?"))
    assert is_open(first_question("Tell me about a time you were proud."))
    assert not is_open(first_question("Thank you. Do you want to stop drinking?"))
    assert not is_open(first_question("Is there a day you'd like to do this?"))


# Answers about the conversation itself ("how does that sound?"), acknowledged, not reflected.
ABOUT_THE_CONVERSATION = {"plan.how_it_goes"}


async def test_every_coaching_answer_is_reflected_in_their_words_before_the_next_question(
    core: RecoveryBot,
) -> None:
    """Every free-text answer is said back, in the second person, never pasted in."""
    render = core.engine.renderer.render
    heard = understand(SAMPLE).as_dict()
    questions = reflections = 0
    for flow in coaching_flows(core):
        for state in flow.states.values():
            if state.input is None:
                continue
            questions += 1
            if state.input.type != "text":
                continue
            assert state.reply, f"{flow.name}.{state.name} needs a reflection (`reply`)"
            reflections += 1
            if f"{flow.name}.{state.name}" in ABOUT_THE_CONVERSATION:
                continue
            for pathway in PATHWAYS:
                for number in NUMBERS:
                    for ctx in contexts(pathway, number):
                        text = render(state.reply, {**ctx, "answer": SAMPLE, "heard": heard})
                        where = f"{flow.name}.{state.name}: {text!r}"
                        assert SAMPLE not in text, where  # never pasted back
                        assert "your dog" in text or "by the sea" in text, where
    print(f"\nreflections per question asked (static): {reflections}/{questions} "
          f"= {reflections / questions:.2f}")


ABSTINENCE_PUSH = re.compile(
    r"\b(quit\w*|abstain\w*|abstinen\w*|sober\w*|sobriety|stop (drinking|using)|clean|stopping)\b",
    re.I,
)
SAFER_USE = re.compile(r"\b(safer|harm reduction|naloxone|drug-checking)\b", re.I)


async def test_wording_follows_the_pathway_the_person_chose(core: RecoveryBot) -> None:
    renderer = core.engine.renderer
    states = [state for flow in coaching_flows(core) for state in flow.states.values()]

    # States reached only through a branch on the person's pathway are shown to that pathway.
    only_for: dict[str, str] = {}
    for state in states:
        for branch in state.branches:
            match = re.fullmatch(r"person\.pathway == '(\w+)'", branch.condition or "")
            if match:
                only_for[branch.target] = match.group(1)

    def shown(state, ctx) -> bool:  # type: ignore[no-untyped-def]
        # A state meant for another pathway is never shown to this person.
        if state.name in only_for and only_for[state.name] != ctx["person"]["pathway"]:
            return False
        return not (state.skip_if and renderer.evaluate(state.skip_if, ctx))

    for state in states:
        for key in (*state.say, state.prompt, state.reply):
            if not key:
                continue
            for pathway in ("cutting_down", "safer_use"):
                for ctx in contexts(pathway):
                    if shown(state, ctx):
                        text = renderer.render(key, {**ctx, "answer": SAMPLE})
                        assert not ABSTINENCE_PUSH.search(text), f"{key} for {pathway}: {text!r}"
            for ctx in contexts("stopping"):
                if shown(state, ctx):
                    text = renderer.render(key, {**ctx, "answer": SAMPLE})
                    assert not SAFER_USE.search(text), f"{key} for stopping: {text!r}"
