"""Training a `LinearTextModel` from labelled examples (development only: needs scikit-learn).

Deterministic: the same examples give the same model (fixed solver, no random state used
but for the folds of cross-validation, which are seeded). Install with `pip install -e
'.[dev]'` (the test extra includes it, so the tests can check a shipped model against its
training data).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.textmodel.features import message_features
from bot.textmodel.model import LinearTextModel

MIN_DF = 2  # an n-gram seen in one example only says nothing general


def data_hash(rows: Sequence[tuple[str, str]]) -> str:
    """A fingerprint of (text, label) pairs in order: the shipped model records it."""
    digest = hashlib.sha256()
    for text, label in rows:
        digest.update(json.dumps([text, label], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _matrix(texts: Sequence[str], keys: np.ndarray | None = None,
            idf: np.ndarray | None = None) -> tuple[Any, np.ndarray, np.ndarray]:
    from scipy.sparse import csr_matrix

    features = [message_features(text) for text in texts]
    if keys is None:
        all_keys = np.concatenate([f.keys for f in features])
        unique, df = np.unique(all_keys, return_counts=True)
        keep = df >= MIN_DF
        keys = unique[keep]
        n = len(texts)
        idf = (np.log((1 + n) / (1 + df[keep])) + 1.0).astype(np.float32)
    assert idf is not None
    model = LinearTextModel(("a", "b"), keys, idf, np.zeros((len(keys), 1), np.float32),
                            np.zeros(1, np.float32))
    rows, cols, values = [], [], []
    for i, feature in enumerate(features):
        where, weights = model.vector(feature)
        rows.extend([i] * len(where))
        cols.extend(where.tolist())
        values.extend(weights.tolist())
    matrix = csr_matrix((values, (rows, cols)), shape=(len(texts), len(keys)), dtype=np.float64)
    return matrix, keys, idf


def fit(texts: Sequence[str], labels: Sequence[str], *, c: float = 10.0,
        class_weight: str | None = "balanced", meta: dict[str, Any] | None = None,
        classes: Sequence[str] | None = None,
        weights: Sequence[float] | None = None) -> LinearTextModel:
    """A model trained on every example (each counted `weights[i]` times, if given)."""
    from sklearn.linear_model import LogisticRegression

    matrix, keys, idf = _matrix(texts)
    order = tuple(classes) if classes else tuple(sorted(set(labels)))
    classifier = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000,
                                    solver="lbfgs")
    classifier.fit(matrix, [order.index(label) for label in labels],
                   sample_weight=None if weights is None else np.asarray(weights, np.float64))
    coef = classifier.coef_.T.astype(np.float32)  # (features, classes) or (features, 1)
    intercept = classifier.intercept_.astype(np.float32)
    info = {"examples": len(texts), "features": int(len(keys)), "c": c,
            "data_hash": data_hash(list(zip(texts, labels, strict=True)))}
    info.update(meta or {})
    return LinearTextModel(order, keys, idf, coef, intercept, info)


def out_of_fold(texts: Sequence[str], labels: Sequence[str], *, folds: int = 5, seed: int = 0,
                **options: Any) -> list[dict[str, float]]:
    """Each example's probabilities from a model that did not see it (stratified folds)."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predictions: list[dict[str, float]] = [{} for _ in texts]
    classes = tuple(options.pop("classes", None) or sorted(set(labels)))
    weights = options.pop("weights", None)
    for train_index, test_index in splitter.split(np.zeros(len(texts)), labels):
        model = fit([texts[i] for i in train_index], [labels[i] for i in train_index],
                    classes=classes, **options,
                    weights=None if weights is None else [weights[i] for i in train_index])
        for i in test_index:
            predictions[i] = model.predict(texts[i])
    return predictions
