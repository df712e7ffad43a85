"""A small generic rule engine over compiled lexicon data.

A `Rule` is a compiled alternation of patterns with an id. Matching a rule in a clause means
finding a match that no exception overlaps and that no negation cue governs; a rule may also
require context somewhere else in the message ("stopped drinking" for withdrawal symptoms).
The engine knows nothing of categories or messages: `crisis` and `clinical` give it meaning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

ABOUT_VALUES = ("self", "other", "auto")


@dataclass(frozen=True)
class Negation:
    """Negation cues and how far they reach.

    Attributes:
        cues: words that negate ("not", "no", "never", "dont").
        pseudo_next: a cue followed by one of these does not negate ("not sure").
        fillers: the only words allowed between a cue and the match ("no thoughts of"): any
            other word ends the cue's scope, so "it doesnt matter anymore want to die" still fires.
        scope: the most tokens a cue may sit before the match.
    """

    cues: frozenset[str] = frozenset()
    pseudo_next: frozenset[str] = frozenset()
    fillers: frozenset[str] = frozenset()
    scope: int = 0

    def governs(self, prefix: str) -> bool:
        """Tells whether the end of `prefix` (the clause before a match) negates the match."""
        if not self.cues:
            return False
        tokens = prefix.split()[-self.scope - 1 :]
        following = ""
        for token in reversed(tokens):
            if token in self.cues:
                return following not in self.pseudo_next
            if token not in self.fillers:
                return False
            following = token
        return False


@dataclass(frozen=True)
class Rule:
    """One compiled rule.

    Attributes:
        rule_id: unique id, reported in signals and metrics.
        pattern: compiled alternation of the rule's patterns and phrases.
        requires: context patterns; when present, one must match the whole message.
        about: "self", "other" or "auto" (who is in danger; crisis rules only).
        negatable: False when negation cues are ignored.
        group: the category (crisis) or kind (clinical) the rule belongs to.
        examples: messages that must produce `group`; checked by validation.
    """

    rule_id: str
    pattern: re.Pattern[str]
    group: str
    requires: tuple[re.Pattern[str], ...] = ()
    about: str = "auto"
    negatable: bool = True
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """Rules sharing exceptions, negation and past-tense handling (a crisis category)."""

    name: str
    rules: tuple[Rule, ...]
    exceptions: tuple[re.Pattern[str], ...] = ()
    negation: Negation = field(default_factory=Negation)
    past: re.Pattern[str] | None = None
    present: re.Pattern[str] | None = None


def requirements_met(rule: Rule, message: str) -> bool:
    """Tells whether the message gives the context the rule requires (always, if none)."""
    return not rule.requires or any(req.search(message) for req in rule.requires)


def find_in_clause(rules: RuleSet, rule: Rule, clause: str) -> re.Match[str] | None:
    """Returns the first match of `rule` in `clause` that survives exceptions and negation.

    Args:
        rules: the rule's set, giving exceptions and negation.
        rule: the rule to match.
        clause: one normalised clause.

    Returns:
        The surviving match, or None.
    """
    for match in rule.pattern.finditer(clause):
        if _overlaps_exception(rules.exceptions, clause, match):
            continue
        if rule.negatable and rules.negation.governs(clause[: match.start()]):
            continue
        return match
    return None


def speaks_of_past(rules: RuleSet, clause: str) -> bool:
    """Tells whether the clause is about the past only ("two years ago", not "again now")."""
    if rules.past is None or not rules.past.search(clause):
        return False
    return rules.present is None or not rules.present.search(clause)


def _overlaps_exception(
    exceptions: Sequence[re.Pattern[str]], clause: str, match: re.Match[str]
) -> bool:
    for exception in exceptions:
        for hit in exception.finditer(clause):
            if hit.start() < match.end() and match.start() < hit.end():
                return True
    return False
