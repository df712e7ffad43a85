"""Training the understanding model from the labelled examples (`recovery-bot train
understanding`; needs the dev extra, scikit-learn). Deterministic: same examples, same model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.paths import understanding_dir
from bot.textmodel.examples import read_examples
from bot.textmodel.model import LinearTextModel
from bot.understanding.kinds import KINDS
from bot.understanding.understand import MODEL_FILE

EXAMPLES_DIR = "examples"
REGULARISATION = 10.0  # chosen by 5-fold cross-validation on the examples (see README)


def examples(locale: str = "en") -> list[dict[str, Any]]:
    """Every labelled example of `locale` ({text, kind, context, facet?})."""
    return read_examples(understanding_dir(locale) / EXAMPLES_DIR)


def train(locale: str = "en") -> LinearTextModel:
    """The model trained on every example of `locale`."""
    from bot.textmodel.train import fit

    rows = examples(locale)
    unknown = sorted({row["kind"] for row in rows} - set(KINDS))
    if unknown:
        raise ValueError(f"examples use unknown kinds {unknown}; kinds are {KINDS}")
    return fit([row["text"] for row in rows], [row["kind"] for row in rows],
               c=REGULARISATION, classes=KINDS, meta={"locale": locale})


def write(locale: str = "en") -> Path:
    """Train and write `resources/understanding/<locale>/model.npz`; returns its path."""
    path = understanding_dir(locale) / MODEL_FILE
    train(locale).save(path)
    return path
