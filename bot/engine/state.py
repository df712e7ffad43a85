"""A person's conversation state: plain data, stored as JSON in one database row."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import time
from typing import Any

RESUME_STATE = "__resume__"
#: How many of a person's latest update ids are remembered to recognise a redelivery.
#: Telegram sends one chat's next update only after the last was answered, so a redelivery
#: is always of one of the newest few.
HANDLED_MEMORY = 32


def to_json_value(value: Any) -> Any:
    """Answers as JSON-safe values (times become 'HH:MM')."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


@dataclass
class Frame:
    """Where a person is inside one flow."""

    flow: str
    state: str
    answers: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Frame:
        return cls(
            flow=data["flow"],
            state=data["state"],
            answers=dict(data.get("answers") or {}),
            facts=dict(data.get("facts") or {}),
            history=list(data.get("history") or []),
        )


@dataclass
class ConversationState:
    """The stack of flows in progress (top = current), paused flows, and the prompt counter.

    `seq` numbers each question asked; buttons carry it so a press on an old question's
    button is recognised as stale rather than taken as an answer to the current one.
    `handled` holds the ids of the person's latest updates, newest last (see `first_time`).
    """

    frames: list[Frame] = field(default_factory=list)
    paused: dict[str, Frame] = field(default_factory=dict)
    seq: int = 0
    handled: list[int] = field(default_factory=list)
    # Template key -> [[wording, day], ...]: which wordings this person heard lately.
    said: dict[str, list[list[int]]] = field(default_factory=dict)
    # The flow that ended last (so a message right after it is answered in its context).
    last_flow: str | None = None
    # The data of the last button press taken as an answer, and when (epoch seconds): the
    # same press again within seconds, nothing else in between (a double tap), changes
    # nothing and says nothing; later it is a stale button like any other.
    pressed: str | None = None
    pressed_at: float | None = None

    @property
    def current(self) -> Frame | None:
        return self.frames[-1] if self.frames else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "frames": [asdict(frame) for frame in self.frames],
            "paused": {name: asdict(frame) for name, frame in self.paused.items()},
            "seq": self.seq,
            "handled": self.handled,
            "said": self.said,
            "last_flow": self.last_flow,
            "pressed": self.pressed,
            "pressed_at": self.pressed_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConversationState:
        data = data or {}
        return cls(
            frames=[Frame.from_dict(item) for item in data.get("frames") or []],
            paused={k: Frame.from_dict(v) for k, v in (data.get("paused") or {}).items()},
            seq=int(data.get("seq", 0)),
            handled=[int(n) for n in data.get("handled") or []],
            said={str(k): [[int(v), int(d)] for v, d in pairs]
                  for k, pairs in (data.get("said") or {}).items()},
            last_flow=data.get("last_flow"),
            pressed=None if data.get("pressed") is None else str(data["pressed"]),
            pressed_at=None if data.get("pressed_at") is None else float(data["pressed_at"]),
        )

    def drop_top(self, flows: frozenset[str] | set[str]) -> bool:
        """Take flows named in `flows` off the top of the stack; whether any was."""
        dropped = False
        while self.current is not None and self.current.flow in flows:
            self.frames.pop()
            dropped = True
        return dropped

    def drop_unanswered(self, flow: str) -> bool:
        """Take `flow` off the top if nothing in it was answered yet (a question never seen)."""
        current = self.current
        if current is None or current.flow != flow or current.history:
            return False
        self.frames.pop()
        return True

    def first_time(self, update_id: int) -> bool:
        """Remember `update_id`; False when it was handled before (a redelivered update)."""
        if update_id in self.handled:
            return False
        self.handled = [*self.handled[-(HANDLED_MEMORY - 1):], update_id]
        return True
