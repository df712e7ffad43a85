"""A trained linear text model, loaded from an `.npz` file and applied with numpy alone."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.textmodel.features import Features, message_features


@dataclass(frozen=True)
class LinearTextModel:
    """TF-IDF weighted n-grams and a (multinomial or binary) logistic regression.

    Attributes:
        classes: the labels, in column order.
        keys: the hashed n-grams the model knows, sorted.
        idf: their inverse document frequency.
        coef: one row of weights per known n-gram, one column per class (a single column
            for a binary model: the score of `classes[1]`).
        intercept: one per column.
        meta: what it was trained on (data hash, counts, thresholds chosen in training).
    """

    classes: tuple[str, ...]
    keys: np.ndarray
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def vector(self, features: Features) -> tuple[np.ndarray, np.ndarray]:
        """The rows of known n-grams in `features` and their TF-IDF weights (L2-normalised)."""
        where = np.searchsorted(self.keys, features.keys)
        where = np.minimum(where, len(self.keys) - 1)
        known = self.keys[where] == features.keys
        rows = where[known]
        weights = (1.0 + np.log(features.counts[known])) * self.idf[rows]
        norm = float(np.sqrt(np.dot(weights, weights)))
        return rows, weights / norm if norm else weights

    def predict(self, features: Features | str) -> dict[str, float]:
        """Probability of each class for a message (or its features)."""
        if isinstance(features, str):
            features = message_features(features)
        rows, weights = self.vector(features)
        scores = weights @ self.coef[rows].astype(np.float32) + self.intercept
        if len(self.classes) == 2 and scores.shape[0] == 1:
            positive = float(1.0 / (1.0 + np.exp(-scores[0])))
            return {self.classes[0]: 1.0 - positive, self.classes[1]: positive}
        exp = np.exp(scores - scores.max())
        probabilities = exp / exp.sum()
        return {label: float(p) for label, p in zip(self.classes, probabilities, strict=True)}

    def save(self, path: Path) -> None:
        """Write the model as a compressed `.npz` file (no pickles)."""
        np.savez_compressed(
            path, classes=np.array(self.classes), keys=self.keys, idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float16), intercept=self.intercept.astype(np.float32),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )


@functools.lru_cache(maxsize=8)
def load_model(path: Path) -> LinearTextModel:
    """The model saved at `path` (read once)."""
    with np.load(path, allow_pickle=False) as data:
        return LinearTextModel(
            classes=tuple(str(c) for c in data["classes"]),
            keys=data["keys"].astype(np.uint32),
            idf=data["idf"].astype(np.float32),
            coef=data["coef"].astype(np.float32),
            intercept=data["intercept"].astype(np.float32),
            meta=json.loads(str(data["meta"])),
        )
