"""The understanding step's rules (resources/understanding/en/language.yaml) agree with the
labelled examples: a rule decides only where it is reliable, so every example a rule decides
must carry that rule's kind. (The blind sets are never used here.)"""

from __future__ import annotations

from bot.understanding.language import language
from bot.understanding.training import examples
from bot.understanding.understand import rule_kind


def test_every_example_a_rule_decides_has_that_rules_kind() -> None:
    lang = language("en")
    decided = [(row, rule_kind(row["text"], lang)) for row in examples("en")]
    decided = [(row, found) for row, found in decided if found is not None]
    wrong = [(row["text"], row["kind"], found) for row, found in decided
             if found[0] != row["kind"]]
    assert len(decided) >= 100  # the rules do real work
    assert len(wrong) <= 0.03 * len(decided), wrong
