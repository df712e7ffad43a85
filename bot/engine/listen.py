"""Listening: a typed answer is understood before the flow uses it.

`Listener.answer` runs for a free-text question: the understanding step says what kind of
thing was said, the state's `listen:` (or `flows/_listening.yaml`) says what that kind gets,
and the listener does it (see `bot.engine.listening` for what each `then` means).
`Listener.idle` runs for a message with no flow running.

Templates get `heard` (the kind, the facet of distress, the kind of harm, what a question is
about, the gist a reflection may use) and, where an answer was kept, `answer`. The kind of
every answer is remembered in the flow's facts (`facts.kinds.<state>`), so a flow can branch
on it ("mostly sustain talk: keep evoking before planning steps").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from bot.engine.flows import State
from bot.engine.listening import Behaviour
from bot.engine.render import code_template

if TYPE_CHECKING:
    from bot.engine.parts import EngineParts
    from bot.engine.state import ConversationState

KINDS_HEARD = "kinds"  # facts.kinds: state -> kind of the answer given there
GISTS = "gists"  # facts.gists: state -> what a summary may say back of that answer
TRIES = "__tries__"  # facts.__tries__: state -> non-answers given there
ELABORATING = "__elaborating__"  # facts: the state waiting for "tell me more"
ELABORATED_STATES = "__elaborated__"  # facts: states already asked to tell more
ELABORATED = code_template("listen/elaborated")
MOVING_ON = code_template("listen/moving_on")
MACROS = code_template("listen/macros")  # imported by the listening templates
WAITING_NOTE = code_template("listen/waiting_note")  # included by the idle replies
UNSURE, UNSURE_SCORE = "unsure", 0.75  # see _detail
SENTENCE_WORDS = 4  # where a place or a time is asked, told content is a sentence, not a city
QUIET_KINDS = ("non_answer", "discord")  # added to nothing when elaborating
# Kinds whose gist a summary may say back (never distress, a refusal or a harmful entry);
# sustain talk only where a state keeps it on purpose (`listen: {sustain_talk: accept}`, as
# when the question asks for the good things about using).
KEPT_GISTS = ("content", "change_talk", "good_news", "lapse", "craving")


class RunLike(Protocol):
    """What the listener needs of the step it works in (`bot.engine.run.Run`)."""

    engine: EngineParts
    conv: ConversationState

    async def say(self, template: str, extra: Mapping[str, Any] | None = None) -> None: ...

    async def accept(self, state: State, value: Any, *, reply: str | None = None,
                     extra: Mapping[str, Any] | None = None) -> None: ...

    def store(self, state: State, value: Any) -> None: ...

    async def move_on(self, state: State) -> None: ...

    async def prompt_current(self, prompt: str | None = None,
                             extra: Mapping[str, Any] | None = None) -> None: ...

    async def push_flow(self, name: str, facts: dict[str, Any]) -> None: ...


class Listener:
    """Understands typed messages for one step and does what the flows say."""

    def __init__(self, run: RunLike) -> None:
        self.run = run

    def listens(self) -> bool:
        """Whether this engine has an understanding step."""
        return self.run.engine.understand is not None

    def hear(self, text: str) -> dict[str, Any]:
        """What kind of thing `text` says, as template context."""
        understand = self.run.engine.understand
        assert understand is not None
        return dict(understand(text))

    async def answer(self, state: State, text: str, value: Any) -> None:
        """A typed answer to the free-text question `state`."""
        run = self.run
        frame = run.conv.current
        assert frame is not None
        heard = self.hear(text)
        kind = run.engine.listening.kind_in_flow(
            str(heard["kind"]), float(heard.get("score") or 0.0), bool(heard.get("rule")))
        if kind != heard["kind"]:
            heard = {**heard, "kind": kind}
        extra = {"heard": heard, "answer": value}
        if frame.facts.get(ELABORATING) == state.name:
            await self._elaborated(state, kind, value, extra)
            return
        frame.facts.setdefault(KINDS_HEARD, {})[state.name] = kind
        behaviour = run.engine.listening.for_state(state.listen, kind, _detail(heard))
        if heard.get("gist") and (kind in KEPT_GISTS or behaviour.then == "accept"
                                  and kind == "sustain_talk"):
            frame.facts.setdefault(GISTS, {})[state.name] = heard["gist"]
        await self.do(state, behaviour, value, extra)

    async def do(self, state: State, behaviour: Behaviour, value: Any,
                 extra: dict[str, Any]) -> None:
        """Carry out `behaviour` for an answer to `state`."""
        run = self.run
        frame = run.conv.current
        assert frame is not None
        then = behaviour.then
        if behaviour.flow == frame.flow:
            then = "accept"  # already in the flow it would start: this is the answer
        if then == "accept":
            await run.accept(state, value, reply=behaviour.reply, extra=extra)
        elif then == "elaborate":
            if state.name in frame.facts.get(ELABORATED_STATES, []):
                await run.accept(state, value, reply=behaviour.reply, extra=extra)
                return
            run.store(state, value)
            frame.facts[ELABORATING] = state.name
            frame.facts.setdefault(ELABORATED_STATES, []).append(state.name)
            await run.say(behaviour.reply or state.reply or ELABORATED, extra)
        elif then == "reask":
            if behaviour.reply:
                await run.say(behaviour.reply, extra)
            await run.prompt_current(extra={"asked_before": True})
        elif then == "easier":
            tries = frame.facts.setdefault(TRIES, {})
            tries[state.name] = int(tries.get(state.name, 0)) + 1
            if tries[state.name] > 1:
                await run.say(MOVING_ON, extra)
                await run.move_on(state)
                return
            if behaviour.reply:
                await run.say(behaviour.reply, extra)
            await run.prompt_current(state.easier, extra={"asked_before": True})
        elif then == "skip":
            if behaviour.reply:
                await run.say(behaviour.reply, extra)
            await run.move_on(state)
        elif behaviour.flow is not None:
            if behaviour.reply:
                await run.say(behaviour.reply, extra)
            await run.push_flow(behaviour.flow, {"heard": extra["heard"], "within": state.name})
        else:
            await run.accept(state, value, reply=behaviour.reply, extra=extra)

    async def off_script(self, within: str, text: str, *, buttons: bool = True) -> bool:
        """Typed words that answer none of the buttons offered (or are no time, time zone or
        country where one was asked): a lapse, an urge, a painful feeling or news gets its
        conversation first (the question comes back after); a question, thanks or a hello gets
        its reply and the question again. Anything else: False (the question is asked again,
        with a word on how to answer). Plain content counts only beside buttons and only when
        it tells of something ("my mum came round and we talked about my dad"): typed where a
        place or a time was asked, it is an attempt at the answer unless it is a sentence ("my
        wife is fed up with me" is no city). `within` names the question
        (a state, or the offer to carry on a flow set aside)."""
        heard = self._heard_unasked(text)
        behaviour = self.run.engine.listening.when_off_script(str(heard["kind"]), _detail(heard))
        if behaviour is None or heard["kind"] == "content" and not (
                _tells_of_something(heard) and (buttons or len(text.split()) >= SENTENCE_WORDS)):
            return False
        extra = {"heard": heard, "within": within}
        if behaviour.flow is not None:
            if behaviour.reply:
                await self.run.say(behaviour.reply, extra)
            await self.run.push_flow(behaviour.flow, {"heard": heard, "within": within})
            return True
        if behaviour.reply:
            await self.run.say(behaviour.reply, extra)
        await self.run.prompt_current(extra={"asked_before": True})
        return True

    async def _elaborated(self, state: State, kind: str, value: Any,
                          extra: dict[str, Any]) -> None:
        """The answer to "tell me more": added to the first answer, then on to the next."""
        run = self.run
        frame = run.conv.current
        assert frame is not None
        frame.facts.pop(ELABORATING, None)
        first = frame.answers.get(state.name)
        combined = first if kind in QUIET_KINDS or not first else f"{first}\n{value}"
        await run.accept(state, combined, reply=ELABORATED, extra=extra)

    def _heard_unasked(self, text: str) -> dict[str, Any]:
        """What `text` says where no free-text question was asked (no flow running, or typed
        beside buttons): a kind the model is unsure of is plain content (`idle_min_score`)."""
        heard = self.hear(text)
        kind = self.run.engine.listening.kind_idle(
            str(heard["kind"]), float(heard.get("score") or 0.0), bool(heard.get("rule")))
        return heard if kind == heard["kind"] else {**heard, "kind": kind}

    async def first_message(self, text: str) -> None:
        """Someone new wrote before anything else: what needs hearing first is heard before
        the welcome ("i relapsed last night and i feel awful" is not met by an introduction)."""
        heard = self.hear(text)
        behaviour = self.run.engine.listening.when_first(str(heard["kind"]))
        if behaviour is not None and behaviour.reply:
            await self.run.say(behaviour.reply, {"heard": heard})

    async def idle(self, text: str) -> None:
        """A message with no flow running: answered for what it says."""
        run = self.run
        heard = self._heard_unasked(text)
        behaviour = run.engine.listening.when_idle(str(heard["kind"]), _detail(heard))
        extra = {"heard": heard, "after": run.conv.last_flow}
        run.conv.last_flow = None
        if behaviour.reply:
            await run.say(behaviour.reply, extra)
        if behaviour.flow:
            await run.push_flow(behaviour.flow, {"heard": heard})


def _tells_of_something(heard: Mapping[str, Any]) -> bool:
    """Whether a message says enough to be reflected: people named or a phrase of theirs."""
    said = heard.get("gist") or {}
    return bool(said.get("topics") or said.get("phrase"))


def _detail(heard: Mapping[str, Any]) -> str | None:
    """What a kind's behaviour may depend on: a question's topic, the harm, the facet; else
    `unsure` when the model (no rule, and for distress no feeling word) heard the kind with a
    score below UNSURE_SCORE, so a state can take such an answer as it is (at the name
    question: "Uma" and "Emma" read a little like "um" and "meh", "Eve" like "sad")."""
    sure = bool(heard.get("rule")) or float(heard.get("score") or 0.0) >= UNSURE_SCORE
    for key in ("topic", "harm"):
        if heard.get(key):
            return str(heard[key])
    if heard.get("facet") and (sure or heard.get("felt")):
        return str(heard["facet"])
    return None if sure else UNSURE
