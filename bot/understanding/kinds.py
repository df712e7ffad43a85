"""The kinds of thing a person can say, and what the understanding step tells about one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "change_talk",  # wanting, reasons, ability, need, commitment, steps taken
    "sustain_talk",  # reasons not to change, "it's not a problem"
    "distress",  # hopelessness, shame, worthlessness, feeling a burden, loneliness...
    "lapse",  # a report of drinking or using
    "craving",  # an urge now or soon
    "non_answer",  # "idk", "whatever", "..."
    "discord",  # annoyance with the bot or the questions
    "question",  # a question to the bot
    "thanks",
    "greeting",
    "good_news",  # a milestone, a good day
    "harmful",  # an entry that would be harmful in a plan (hiding, dosing, riskier use)
    "content",  # a plain answer
)
RISK_FACETS = frozenset({"hopeless", "burden", "invisible"})
"""Distress that also brings the direct safety question."""
NEVER_PRAISED = frozenset({"distress", "non_answer", "discord", "sustain_talk", "harmful"})
"""Kinds whose replies never praise and never quote six words of the person in a row."""


@dataclass(frozen=True)
class Gist:
    """What a reflection may say back, built from the message (never the message itself).

    Attributes:
        topics: things the person named, in the second person ("your kids", "your health").
        phrase: a few of their words, turned into the second person, cut at a natural point.
        form: "verb" (a thing to do: `ing` holds "spending more time with your kids"),
            "clause" ("you can stop any time"), or None when there is no usable phrase.
        ing: the phrase with its first verb in the -ing form (verb phrases only).
        stance: "want", "need", "will", "hope", "can", "try" when they said so.
        feeling: a feeling they named ("ashamed", "scared"), for the feeling under a story.
    """

    topics: tuple[str, ...] = ()
    phrase: str | None = None
    form: str | None = None
    ing: str | None = None
    stance: str | None = None
    feeling: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """For templates."""
        return {"topics": list(self.topics), "phrase": self.phrase, "form": self.form,
                "ing": self.ing, "stance": self.stance, "feeling": self.feeling,
                "plural": len(self.topics) > 1 or any(t.endswith("s") and not t.endswith("ss")
                                                       for t in self.topics[:1])}


@dataclass(frozen=True)
class Understanding:
    """What kind of thing a message says.

    Attributes:
        kind: one of KINDS.
        score: how sure (the model's probability, or 1.0 for a rule).
        scores: every kind's probability from the model.
        rule: the id of the rule that decided, if one did.
        facet: for distress, the feeling under it (see RISK_FACETS); else None.
        felt: for distress, whether a feeling word was heard ("sad", "lonely"), not only the
            model's guess (which falls back to the facet "sad": "Eve" scores like "sad").
        harm: for a harmful entry, what kind of harm ("dosing", "alone", "hiding"...).
        topic: for a question, what it is about ("name", "private", "human"...).
        gist: what a reflection may say back.
    """

    kind: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    rule: str | None = None
    facet: str | None = None
    felt: bool = False
    harm: str | None = None
    topic: str | None = None
    gist: Gist = field(default_factory=Gist)
    text: str = ""  # what was said, for a milestone the person asks to keep (never logged)

    @property
    def at_risk(self) -> bool:
        """Distress that should bring the direct safety question."""
        return self.kind == "distress" and self.facet in RISK_FACETS

    def as_dict(self) -> dict[str, Any]:
        """For templates and conversation state (JSON-safe)."""
        return {"kind": self.kind, "score": round(self.score, 3), "rule": self.rule,
                "facet": self.facet, "felt": self.felt, "harm": self.harm, "topic": self.topic,
                "gist": self.gist.as_dict(), "text": self.text}
