"""What a model sees of a message: hashed character and word n-grams, computed once.

Character n-grams (2 to 5 letters, inside words padded with a space, like scikit-learn's
`char_wb`) carry spelling variants and typos ("dunno", "dnno"); word unigrams and bigrams
carry phrasing ("better off", "off without"). Each n-gram is hashed with CRC-32, so a model
stores integers, not a vocabulary of strings, and lookup is a sorted-array search.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

CHAR_SIZES = (2, 3, 4, 5)
_APOSTROPHES = re.compile(r"[\u2019\u2018'`´]")
_NON_WORD = re.compile(r"[^\w?!.]+")
_PUNCT = re.compile(r"([?!.])")
_REPEATS = re.compile(r"(.)\1{2,}")  # "sooooo" -> "soo"


def normalise_for_model(text: str) -> str:
    """Lower case, apostrophes dropped, long letter runs cut, punctuation ?!. kept as words."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _APOSTROPHES.sub("", text)
    text = _REPEATS.sub(r"\1\1", text)
    text = _PUNCT.sub(r" \1 ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8"))


@dataclass(frozen=True)
class Features:
    """A message's hashed n-grams (sorted, unique) and how often each occurs."""

    keys: np.ndarray  # uint32, sorted
    counts: np.ndarray  # float32, same length


def ngrams(normalised: str) -> list[str]:
    """Every n-gram of a normalised message (for training and for tests)."""
    words = normalised.split()
    grams: list[str] = []
    for word in words:
        padded = f" {word} "
        for size in CHAR_SIZES:
            if size > len(padded):
                break
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    grams.extend(f"w:{word}" for word in words)
    grams.extend(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return grams


@functools.lru_cache(maxsize=256)
def message_features(text: str) -> Features:
    """The features of `text` (cached: the safety screen and the understanding step share
    them for the same message)."""
    hashes = np.fromiter((_hash(g) for g in ngrams(normalise_for_model(text))), dtype=np.uint32)
    keys, counts = np.unique(hashes, return_counts=True)
    return Features(keys, counts.astype(np.float32))
