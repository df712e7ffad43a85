"""Typed answers are heard, not pasted back: one person writes a whole plan, explores what
matters to them and checks in, all in their own words, and every message the bot sends after
a typed answer is looked at.

Measured (printed with `pytest -s`):
- pasted: the share of those messages that hold the person's whole typed message verbatim
  (ignoring case). The issue's example: "So what matters most to you is idk."
- reflected: the share of free-text answers followed, before the next question, by a message
  that says back something of what they said (a word of theirs, in any form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.app import RecoveryBot
from bot.engine.messages import Outbound
from tests.coaching.plan_script import SCRIPT_TO_PLAN
from tests.helpers import Person, onboard
from tests.understanding.support import current_frame

EXPLORE = [
    ("say", "/explore"),
    ("say", "Being a good dad to my two boys"),
    ("say", "I quit smoking five years ago"),
    ("say", "I'm stubborn in a good way, and patient"),
    ("say", "Waking up rested and taking the boys fishing"),
    ("press", "Yes, share some ideas"),
    ("say", "Maybe the alcohol-free beers"),
    ("press", "Leave it here for now"),
]
# When the bot asks to hear more about an answer (change talk: `then: elaborate`), this is said.
MORE = {"explore.values": "They're growing up fast and I want to be there for it",
        "explore.future": "So I can enjoy weekends without a hangover"}
CHECKIN = [
    ("say", "/checkin"),
    ("press", "Hard"),
    ("press", "8"),
    ("press", "More than I meant to"),
    ("say", "My mate's birthday at the pub, everyone was buying rounds"),
    ("say", "Go for a long walk with the dog before work"),
]
# These show the plan in the person's own words on purpose (it is their plan, and they asked
# to see it): saying it back there is the point, not pasting.
THEIR_PLAN = {"plan/summary", "plan/view", "plan/history"}
# "How does that sound?" is about the conversation itself: acknowledged, not reflected (as in
# tests/coaching/test_coaching_style.py).
ABOUT_THE_CONVERSATION = {"plan.how_it_goes"}
STOPWORDS = frozenset("""about after also been before being could days doing from have just like
make more most much only over really some than that them then they thing things this very want
were what when will with would your""".split())


@dataclass
class Answer:
    """One typed answer and what the bot said next."""

    where: str  # flow.state the answer was given in
    text: str
    free_text: bool  # the question was a free-text one
    replies: list[Outbound] = field(default_factory=list)
    reaction: list[Outbound] = field(default_factory=list)  # said before the next question


def stems(text: str) -> set[str]:
    """Content words, cut to their first four letters ("texting" and "text" meet)."""
    return {w[:4] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4
            and w not in STOPWORDS}


def reflects(answer: Answer) -> bool:
    """Something of what they said comes back before the next question."""
    return any(stems(answer.text) & stems(reply.text) for reply in answer.reaction)


async def walk(core: RecoveryBot) -> list[Answer]:
    """The plan, /explore and a check-in, typed as a person would; every typed answer."""
    sam = Person(core)
    await onboard(sam)
    await sam.press("Start my plan")
    answers: list[Answer] = []
    for kind, value in SCRIPT_TO_PLAN + EXPLORE + CHECKIN:
        if kind == "press":
            await sam.press(value)
            continue
        frame = await current_frame(core, sam.key)
        state = (core.engine.flows.flows[frame["flow"]].states[frame["state"]]
                 if frame else None)
        await sam.say(value)
        if value.startswith("/"):
            continue
        assert frame is not None and state is not None, f"{value!r} was typed outside a flow"
        now = await current_frame(core, sam.key)
        asking = set()
        if now is not None:
            current = core.engine.flows.flows[now["flow"]].states[now["state"]]
            asking = {current.prompt, current.easier}
        replies = list(sam.last)
        # The next question is the last message, when it is the prompt of the question now
        # asked; a listening reply that asks for more is itself the reaction.
        reaction = replies[:-1] if replies and replies[-1].template in asking else replies
        where = f"{frame['flow']}.{frame['state']}"
        answers.append(Answer(where, value,
                              state.input is not None and state.input.type == "text",
                              replies, reaction))
        if now is not None and now["facts"].get("__elaborating__"):
            await sam.say(MORE[where])  # asked to say more about it
            answers.append(Answer(where, MORE[where], True, list(sam.last), list(sam.last)[:-1]))
    return answers


def pasted_share(answers: list[Answer]) -> tuple[int, int, list[str]]:
    """(messages holding the whole typed answer, messages looked at, which)."""
    looked = pasted = 0
    which = []
    for answer in answers:
        for reply in answer.replies:
            if reply.template in THEIR_PLAN or reply.attachment is not None:
                continue
            looked += 1
            if answer.text.lower() in reply.text.lower():
                pasted += 1
                which.append(f"{answer.where}: {reply.text.splitlines()[0]!r}")
    return pasted, looked, which


async def test_typed_answers_are_rarely_pasted_back(core: RecoveryBot) -> None:
    answers = await walk(core)
    pasted, looked, which = pasted_share(answers)
    share = pasted / looked
    print(f"\npasted back whole: {pasted}/{looked} messages after a typed answer = "
          f"{100 * share:.1f}%: {which}")
    assert len(answers) >= 20 and looked >= 40  # the walk went where it should
    assert share <= 0.10, which


async def test_every_free_text_answer_is_reflected_before_the_next_question(
    core: RecoveryBot,
) -> None:
    # The plan script's "<script>...</script> at work" is there to test escaping: markup is
    # never said back, and "at work" alone is too little to reflect.
    answers = [a for a in await walk(core) if a.free_text
               and a.where not in ABOUT_THE_CONVERSATION and "<script>" not in a.text]
    reflected = [a for a in answers if reflects(a)]
    messages = sum(1 for a in answers for reply in a.reaction if stems(a.text) & stems(reply.text))
    missed = [f"{a.where}: {a.text!r} -> {' / '.join(r.text for r in a.reaction)!r}"
              for a in answers if not reflects(a)]
    ratio = len(reflected) / len(answers)
    print(f"\nreflected before the next question: {len(reflected)}/{len(answers)} free-text "
          f"answers = {ratio:.2f} ({messages} reflecting messages, {messages / len(answers):.2f} "
          f"per question); not reflected: {missed}")
    assert len(answers) >= 18
    assert ratio >= 1.0, missed
