"""Small learned text classifiers that run without a machine-learning library.

A model is character n-grams and word n-grams of the message, weighted by TF-IDF, and a
logistic regression over them, trained from labelled examples kept as data in `resources/`
(`recovery-bot train ...`, which needs the `dev` extra: scikit-learn) and exported to a
small numpy file. At run time only numpy is needed::

    model = load_model(path)                  # once
    features = message_features("idk tbh")   # once per message, shared by every model
    probabilities = model.predict(features)   # {"non_answer": 0.91, "content": 0.03, ...}
"""

from bot.textmodel.features import Features, message_features, normalise_for_model
from bot.textmodel.model import LinearTextModel, load_model

__all__ = [
    "Features",
    "LinearTextModel",
    "load_model",
    "message_features",
    "normalise_for_model",
]
