"""The learned second screen: a small text model for crises told indirectly.

The rules (`screen.crisis_screen`) name a crisis when the words are plain and keep the full
crisis response. Many people don't use plain words ("sorted the will, letters for the kids are
in the drawer", "his lips have gone a funny colour"). A linear model over character and word
n-grams, trained on the labelled messages in `resources/safety/<locale>/examples/`
(`recovery-bot train safety`), gives the chance that a message tells of a crisis; at or above
the threshold chosen by cross-validation in training (stored in the model file), the bot asks
the direct question ("are you, or is someone with you, in danger right now?"). It never starts
the full response on its own: a question is cheap, a wrong alarm is not.

The same score also vouches for the weaker signals. A concern cue or one of the riskiest
feelings brings the question only when the model does not rule a crisis out: below the `gate`
(also chosen in training and stored in the file), "I felt like giving up today but I didn't"
is left alone. Crisis words said with a laugh are never gated ("kms lol" may be a mask).

Inference is numpy alone (`bot.textmodel`); scikit-learn is needed only to train.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from bot.paths import safety_dir
from bot.textmodel import load_model
from bot.textmodel.model import LinearTextModel

MODEL_FILE = "crisis_model.npz"
_BARE_COMMAND = re.compile(r"/\w+(?:@\w+)?$")
CRISIS = "crisis"
NONE = "none"


def model_path(locale: str = "en") -> Path:
    """Where the locale's crisis model lives."""
    return safety_dir(locale) / MODEL_FILE


@functools.lru_cache(maxsize=4)  # looked up on every message: no file check each time
def crisis_model(locale: str = "en") -> LinearTextModel | None:
    """The locale's crisis model, or None when it has none (the rules and cues still run)."""
    path = model_path(locale)
    return load_model(path) if path.is_file() else None


@functools.lru_cache(maxsize=64)  # the learned screen and its gate ask of one message
def crisis_chance(text: str, locale: str = "en") -> float:
    """The model's probability that `text` tells of a crisis (0.0 without a model, and for a
    message with no letters or a bare command: "." or "/end" tells it nothing, though their
    few n-grams alone can score high)."""
    model = crisis_model(locale)
    if model is None or not is_read(text):
        return 0.0
    return model.predict(text)[CRISIS]


def is_read(text: str) -> bool:
    """Whether the learned screen reads `text` at all (training scores it the same way): not
    a message without letters, nor a bare command ("/end" is a button's word, not prose;
    the rules still read both)."""
    return any(char.isalpha() for char in text) and not _BARE_COMMAND.match(text.strip())


def rules_out(text: str, locale: str = "en") -> bool:
    """Whether the model is sure enough there is no crisis that a weak signal (a cue, a risky
    feeling) should not bring the question; never without a model or a gate."""
    model = crisis_model(locale)
    if model is None or model.meta.get("gate") is None:
        return False
    return crisis_chance(text, locale) < float(model.meta["gate"])


def learned_concern(text: str, locale: str = "en") -> bool:
    """Whether the model is sure enough of a crisis to ask the direct question."""
    model = crisis_model(locale)
    if model is None:
        return False
    return crisis_chance(text, locale) >= float(model.meta["threshold"])
