"""The crisis screen on the labelled development set (resources/safety/en/examples/
rules_devset.yaml).

Every crisis message must be caught (recall 1.0) and at most 5% of hard negatives flagged.
The held-out set is only checked against a lenient regression floor: it must stay unseen.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bot.safety import CRISIS_CATEGORIES, crisis_screen
from tests.safety._labelled import crisis, load, negatives

DEVSET = load("rules_devset.yaml")
CRISIS = crisis("rules_devset.yaml")
NEGATIVES = negatives("rules_devset.yaml")


def test_devset_is_big_and_balanced_enough() -> None:
    labels = Counter(m["label"] for m in DEVSET)
    assert len(DEVSET) >= 240
    assert labels["none"] >= len(DEVSET) / 2
    for category in CRISIS_CATEGORIES:
        assert labels[category] >= 20, category
    assert set(labels) <= {*CRISIS_CATEGORIES, "none"}


def test_heldout_is_big_enough() -> None:
    assert len(load("heldout.yaml")) >= 60


@pytest.mark.parametrize("item", CRISIS, ids=lambda m: m["text"][:50])
def test_every_crisis_message_is_caught(item: dict[str, Any]) -> None:
    signal = crisis_screen(item["text"])
    assert signal is not None, "missed crisis"
    assert signal.category == item["label"]
    assert signal.about_other == item.get("about_other", False)


def test_hard_negative_false_positive_rate_is_at_most_5_percent() -> None:
    flagged = [m["text"] for m in NEGATIVES if crisis_screen(m["text"]) is not None]
    assert len(flagged) / len(NEGATIVES) <= 0.05, flagged


def test_heldout_regression_floor() -> None:
    """A floor, not a target: failing it means a change broke generalisation."""
    held_crisis = crisis("heldout.yaml")
    held_negatives = negatives("heldout.yaml")
    caught = sum(crisis_screen(m["text"]) is not None for m in held_crisis)
    flagged = sum(crisis_screen(m["text"]) is not None for m in held_negatives)
    assert caught / len(held_crisis) >= 0.85
    assert flagged / len(held_negatives) <= 0.10
