"""The shipped text models are the ones their labelled data trains (data hash in the file),
and training is deterministic: a fresh model from the same data scores messages the same."""

from __future__ import annotations

import pytest

from bot.paths import understanding_dir
from bot.safety import training as safety_training
from bot.safety.learned import crisis_model
from bot.textmodel import load_model
from bot.textmodel.train import data_hash
from bot.understanding import training as understanding_training
from bot.understanding.understand import MODEL_FILE

pytest.importorskip("sklearn")

PROBES = ["i cant do this anymore", "I sleep better", "idk", "my mates lips are blue",
          "30 days today!!", "why do you need my name"]


def test_the_understanding_model_matches_its_examples() -> None:
    rows = understanding_training.examples()
    shipped = load_model(understanding_dir() / MODEL_FILE)
    assert shipped.meta["data_hash"] == data_hash([(r["text"], r["kind"]) for r in rows]), (
        "examples changed: run `recovery-bot train understanding` and commit the model")


def test_the_crisis_model_matches_its_examples() -> None:
    rows = safety_training.examples() + safety_training.routine()
    texts, labels = safety_training.binary(rows)
    shipped = crisis_model()
    assert shipped is not None
    assert shipped.meta["data_hash"] == data_hash(list(zip(texts, labels, strict=True))), (
        "examples changed: run `recovery-bot train safety` and commit the model")


def test_training_again_gives_the_same_model() -> None:
    fresh = understanding_training.train()
    shipped = load_model(understanding_dir() / MODEL_FILE)
    for text in PROBES:
        again, before = fresh.predict(text), shipped.predict(text)
        assert max(again, key=again.__getitem__) == max(before, key=before.__getitem__)
        assert all(abs(again[k] - before[k]) < 0.01 for k in before)  # float16 weights
