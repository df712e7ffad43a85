"""Text normalisation shared by the screens.

Inbound messages arrive in every shape: capitals, curly apostrophes, slang, no punctuation.
`normalise` turns them into one canonical lower-case form (apostrophes removed, the data's
substitution table applied) and `split_clauses` cuts that form into the clauses that rules are
matched against, so a crisis buried in the middle of a long message is still seen on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
# Anything that is not a word character, whitespace or a clause break becomes a space.
_NOISE = re.compile(r"[^\w\s.!?;,]+|_")
# Clause breaks: sentence punctuation, commas, blank lines and contrastive conjunctions
# ("i'm not suicidal but i want to die" is two clauses, so the negation stays in the first).
# A single line break is not one: people hit enter mid-sentence ("I want\nto die").
_CLAUSE_BREAK = re.compile(r"[.!?;,]+|\s(?:but|though|although|however|except)\s")
_PARAGRAPH = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Substitution:
    """One entry of a normalisation table: a compiled pattern and its replacement."""

    rule_id: str
    pattern: re.Pattern[str]
    replacement: str


def normalise(
    text: str,
    substitutions: Sequence[Substitution] = (),
    trigger: re.Pattern[str] | None = None,
) -> str:
    """Returns the canonical form of `text` that lexicon patterns are written against.

    Args:
        text: the raw message.
        substitutions: slang and typo replacements, applied in order to the lower-cased text
            while apostrophes are still present (so "od'd" and "odd" stay different).
        trigger: optional union of the substitution patterns; when it finds nothing the table
            is skipped (most messages hold no slang, and this runs on every message).

    Returns:
        Lower-case text without apostrophes ("i'm" -> "im"), symbols turned into spaces, single
        spaces between words, clause punctuation kept (a blank line counts as a full stop).
    """
    result = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    if trigger is not None and trigger.search(result) is None:
        substitutions = ()
    for substitution in substitutions:
        result = substitution.pattern.sub(substitution.replacement, result)
    result = _PARAGRAPH.sub(" . ", _NOISE.sub(" ", result.replace("'", "")))
    return _SPACES.sub(" ", result).strip()


def split_clauses(normalised: str) -> list[str]:
    """Splits normalised text into clauses with single spaces between words.

    Args:
        normalised: output of `normalise`.

    Returns:
        The non-empty clauses, in order.
    """
    clauses = (" ".join(part.split()) for part in _CLAUSE_BREAK.split(normalised))
    return [clause for clause in clauses if clause]
