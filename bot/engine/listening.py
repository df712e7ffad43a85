"""What each kind of typed message gets: declared in flows, never decided in Python.

The understanding step (see `bot/understanding`) says what kind of thing a typed message is:
change talk, sustain talk, distress, a lapse, a craving, a non-answer, discord, a question,
thanks, a greeting, good news, an entry that would be harmful in a plan, or plain content.
`flows/_listening.yaml` says what each kind gets by default, in a flow's free-text question
(`in_flow`), with no flow running (`idle`), typed beside buttons (`off_script`) and as the
first message of someone new, before the welcome (`first_message`); a state can override any
kind with `listen:`.

A behaviour is a reply template (optional) and what happens next (`then`):

    accept      keep the answer and move on (the state's own `reply` unless one is given)
    reask       say the reply, then ask the same question again; the answer is not kept
    easier      say the reply, then the state's `easier` question (or the question again);
                a second time in the same state moves on without keeping anything
    skip        say the reply and move on to the next question without keeping anything
    elaborate   keep the answer, say the reply (which asks for more) and take one more
                answer, added to the first, before moving on
    flow:NAME   say the reply and start flow NAME on top; the question is asked again after
    say         (idle only) just say the reply
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import yamlio

LISTENING_FILE = "_listening.yaml"
FLOW_PREFIX = "flow:"
THEN = ("accept", "reask", "easier", "skip", "elaborate", "say")
DEFAULT = "default"


@dataclass(frozen=True)
class Behaviour:
    """What one kind of message gets: a reply template and what happens next."""

    then: str
    reply: str | None = None

    @property
    def flow(self) -> str | None:
        """The flow to start, for `then: flow:NAME`."""
        return self.then[len(FLOW_PREFIX):] if self.then.startswith(FLOW_PREFIX) else None


@dataclass(frozen=True)
class Listening:
    """The defaults: kind -> behaviour, in a flow's question and with no flow running."""

    kinds: tuple[str, ...] = ()
    in_flow: Mapping[str, Behaviour] = field(default_factory=dict)
    idle: Mapping[str, Behaviour] = field(default_factory=dict)
    # In a flow's question: how sure the model must be of a kind before the answer is
    # treated as that kind rather than as the answer itself (a rule is always sure).
    in_flow_min_score: Mapping[str, float] = field(default_factory=dict)
    # Typed words where buttons were offered: kinds answered before the buttons come back.
    off_script: Mapping[str, Behaviour] = field(default_factory=dict)
    # With no flow running or beside buttons: the same, for kinds whose reply says back what
    # was heard ("part of you is ready for something to change" of "my wife is fed up with me").
    idle_min_score: Mapping[str, float] = field(default_factory=dict)
    # The first message of someone new: kinds heard (a reply) before the welcome.
    first_message: Mapping[str, Behaviour] = field(default_factory=dict)

    def kind_in_flow(self, kind: str, score: float, by_rule: bool) -> str:
        """`kind`, or "content" when the model is not sure enough of it inside a flow."""
        if by_rule or score >= self.in_flow_min_score.get(kind, 0.0):
            return kind
        return "content"

    def kind_idle(self, kind: str, score: float, by_rule: bool) -> str:
        """`kind`, or "content" when the model is not sure enough of it where no free-text
        question was asked (no flow running, or typed beside buttons)."""
        if by_rule or score >= self.idle_min_score.get(kind, 0.0):
            return kind
        return "content"

    def for_state(self, overrides: Mapping[str, Behaviour], kind: str,
                  detail: str | None = None) -> Behaviour:
        """The behaviour for `kind` (more precisely `kind:detail`, e.g. `question:meaning`)
        in a state with `overrides`."""
        keys = [f"{kind}:{detail}", kind] if detail else [kind]
        for table in (overrides, self.in_flow):
            for key in keys:
                if key in table:
                    return table[key]
        return overrides.get(DEFAULT) or self.in_flow.get(DEFAULT) or Behaviour("accept")

    def when_off_script(self, kind: str, detail: str | None = None) -> Behaviour | None:
        """The behaviour for `kind` (or `kind:detail`) typed beside buttons, or None when the
        buttons should simply be offered again."""
        for key in ([f"{kind}:{detail}"] if detail else []) + [kind]:
            if key in self.off_script:
                return self.off_script[key]
        return None

    def when_idle(self, kind: str, detail: str | None = None) -> Behaviour:
        """The behaviour for `kind` (or `kind:detail`) with no flow running."""
        for key in ([f"{kind}:{detail}"] if detail else []) + [kind, DEFAULT]:
            if key in self.idle:
                return self.idle[key]
        return Behaviour("say")

    def when_first(self, kind: str) -> Behaviour | None:
        """The behaviour for `kind` as someone's first message, or None (just the welcome)."""
        return self.first_message.get(kind)

    def templates(self) -> list[str]:
        """Every reply template named here."""
        return [b.reply for table in (self.in_flow, self.idle, self.off_script,
                                      self.first_message)
                for b in table.values() if b.reply]


def parse_behaviour(raw: Any, where: str, problems: list[str]) -> Behaviour | None:
    """`accept`, `flow:urge` or `{reply: key, then: reask}`."""
    if isinstance(raw, str):
        raw = {"then": raw}
    if not isinstance(raw, dict) or "then" not in raw:
        problems.append(f"{where}: a behaviour is `then` (and optionally `reply`), e.g. "
                        "{reply: listen/non_answer, then: easier}.")
        return None
    unknown = set(raw) - {"then", "reply"}
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)} (only `then` and `reply`).")
    then = str(raw["then"])
    if then not in THEN and not then.startswith(FLOW_PREFIX):
        problems.append(f"{where}: `then: {then}` is unknown; use one of {', '.join(THEN)} "
                        "or flow:NAME.")
    reply = raw.get("reply")
    return Behaviour(then=then, reply=str(reply) if reply else None)


def parse_table(raw: Any, where: str, kinds: tuple[str, ...],
                problems: list[str]) -> dict[str, Behaviour]:
    """A mapping kind -> behaviour; kinds must be known (or `default`)."""
    table: dict[str, Behaviour] = {}
    if raw is None:
        return table
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping of kind -> behaviour.")
        return table
    for kind, body in raw.items():
        if kinds and str(kind).split(":")[0] not in kinds and kind != DEFAULT:
            problems.append(f"{where}: unknown kind '{kind}' (kinds: {', '.join(kinds)}).")
            continue
        behaviour = parse_behaviour(body, f"{where}, kind '{kind}'", problems)
        if behaviour is not None:
            table[str(kind)] = behaviour
    return table


def load_listening(flows_dir: Path) -> tuple[Listening, list[str]]:
    """Read `flows/_listening.yaml`; the defaults and any problems."""
    path = flows_dir / LISTENING_FILE
    problems: list[str] = []
    if not path.is_file():
        return Listening(), problems
    raw = yamlio.safe_load(path.read_text(encoding="utf-8")) or {}
    kinds = tuple(str(k) for k in raw.get("kinds") or ())
    if not kinds:
        problems.append(f"{LISTENING_FILE}: list the `kinds` the understanding step gives.")
    in_flow = parse_table(raw.get("in_flow"), f"{LISTENING_FILE}: in_flow", kinds, problems)
    idle = parse_table(raw.get("idle"), f"{LISTENING_FILE}: idle", kinds, problems)
    off_script = parse_table(raw.get("off_script"), f"{LISTENING_FILE}: off_script", kinds,
                             problems)
    first = parse_table(raw.get("first_message"), f"{LISTENING_FILE}: first_message", kinds,
                        problems)
    sure = parse_scores(raw, "in_flow_min_score", kinds, problems)
    sure_idle = parse_scores(raw, "idle_min_score", kinds, problems)
    for kind in kinds:
        if kind not in in_flow and DEFAULT not in in_flow:
            problems.append(f"{LISTENING_FILE}: in_flow says nothing for '{kind}'.")
        if kind not in idle and DEFAULT not in idle:
            problems.append(f"{LISTENING_FILE}: idle says nothing for '{kind}'.")
    return Listening(kinds, in_flow, idle, sure, off_script, idle_min_score=sure_idle,
                     first_message=first), problems


def parse_scores(raw: Mapping[str, Any], key: str, kinds: tuple[str, ...],
                 problems: list[str]) -> dict[str, float]:
    """A mapping kind -> the score the model must reach (`in_flow_min_score`...)."""
    scores: dict[str, float] = {}
    for kind, value in (raw.get(key) or {}).items():
        if kind not in kinds or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            problems.append(f"{LISTENING_FILE}: {key}: '{kind}: {value}' must name "
                            "a kind and a score between 0 and 1.")
        else:
            scores[str(kind)] = float(value)
    return scores


def check_listening(listening: Listening, *, has_template: Callable[[str], bool],
                    flow_names: set[str]) -> list[str]:
    """Meaning problems of the defaults: missing templates, unknown flows."""
    problems = []
    for name, table in (("in_flow", listening.in_flow), ("idle", listening.idle),
                        ("off_script", listening.off_script),
                        ("first_message", listening.first_message)):
        for kind, behaviour in table.items():
            where = f"{LISTENING_FILE}: {name}, kind '{kind}'"
            if behaviour.reply and not has_template(behaviour.reply):
                problems.append(f"{where}: template '{behaviour.reply}' does not exist.")
            if behaviour.flow and behaviour.flow not in flow_names:
                problems.append(f"{where}: flow '{behaviour.flow}' does not exist.")
            if name == "in_flow" and behaviour.then == "say":
                problems.append(f"{where}: `then: say` is for idle messages only.")
            if name == "off_script" and not (behaviour.flow or behaviour.then == "reask"):
                problems.append(f"{where}: typed words beside buttons either start a flow "
                                "or get a reply and the question again (`then: reask`).")
            if name == "first_message" and not (behaviour.then == "say" and behaviour.reply):
                problems.append(f"{where}: a first message gets a reply before the welcome "
                                "(`{reply: ..., then: say}`).")
    return problems
