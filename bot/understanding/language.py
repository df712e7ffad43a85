"""A locale's understanding data (`resources/understanding/<locale>/language.yaml`), compiled.

Everything that depends on the language lives in that file: the reliable rules, the facets
of distress, the kinds of harm, what questions are about, pronoun flips, fillers, stances,
topics and feelings. This module only compiles it, once per locale, and says what is wrong
with it (`language_problems`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot import yamlio
from bot.paths import understanding_dir

LANGUAGE_FILE = "language.yaml"
APOSTROPHES = re.compile(r"[\u2019\u2018`´]")
_NOT_WORDS = re.compile(r"[^\w\s]+")


def plain(text: str) -> str:
    """Lower case, apostrophes dropped, punctuation and emoji gone, spaces folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = APOSTROPHES.sub("'", text).replace("'", "")
    return " ".join(_NOT_WORDS.sub(" ", text).split())


def _alternation(patterns: list[str], where: str) -> re.Pattern[str]:
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise ValueError(f"{LANGUAGE_FILE}: {where}: invalid pattern: {exc}") from exc


@dataclass(frozen=True)
class Language:
    """The compiled language data of one locale."""

    whole: dict[str, frozenset[str]]  # kind -> whole messages that are that kind
    empty_is_non_answer: bool
    rule_patterns: dict[str, re.Pattern[str]]  # kind -> pattern
    rule_unless: dict[str, re.Pattern[str]]  # kind -> words that stop its pattern deciding
    emoji: dict[str, frozenset[str]]  # kind -> emoji that say it on their own ("🙏": thanks)
    facets: tuple[tuple[str, re.Pattern[str]], ...]
    harms: tuple[tuple[str, re.Pattern[str]], ...]
    questions: tuple[tuple[str, re.Pattern[str]], ...]
    second_person: dict[str, str]
    verb_after_you: dict[str, str]
    fillers: re.Pattern[str]
    hedges: re.Pattern[str]  # said after the point: "drink less i guess"
    stances: tuple[tuple[str, re.Pattern[str]], ...]
    weak_endings: frozenset[str]
    whole_before_to: frozenset[str]  # "more than I meant to": a "to" that ends a thought
    ing_forms: dict[str, str]
    verbs: frozenset[str]
    compound_heads: frozenset[str]  # "work stress", "drink problems": a noun, not a verb
    joins: frozenset[str]  # "and", "or": where a reflection may be cut back to
    others: frozenset[str]  # "my wife is fed up": someone else's feeling
    past: frozenset[str]
    own_topics: frozenset[str]
    plain_topics: frozenset[str]
    feelings: tuple[tuple[str, re.Pattern[str]], ...]
    min_score: dict[str, float]
    question_starts: frozenset[str]


def _ordered(data: dict[str, Any] | None, where: str,
             whole_words: bool = False) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Named pattern lists in order; `whole_words`: each matches only whole words ("numb"
    is not in "number")."""
    return tuple(
        (str(name), _alternation([rf"\b(?:{p})\b" if whole_words else str(p)
                                  for p in patterns], f"{where}.{name}"))
        for name, patterns in (data or {}).items()
    )


def compile_language(data: dict[str, Any]) -> Language:
    """Compile the file's data; ValueError names what is wrong."""
    rules = data.get("rules") or {}
    whole = {str(kind): frozenset(plain(str(w)) for w in body.get("whole") or [])
             for kind, body in rules.items()}
    patterns = {str(kind): _alternation([str(p) for p in body["patterns"]], f"rules.{kind}")
                for kind, body in rules.items() if body.get("patterns")}
    unless = {str(kind): _alternation([str(p) for p in body["unless"]], f"rules.{kind}.unless")
              for kind, body in rules.items() if body.get("unless")}
    emoji = {str(kind): frozenset(str(e) for e in body.get("emoji") or [])
             for kind, body in rules.items() if body.get("emoji")}
    fillers = [str(f) for f in data.get("fillers") or []]
    return Language(
        whole=whole,
        empty_is_non_answer=bool((rules.get("non_answer") or {}).get("empty_is_non_answer")),
        rule_patterns=patterns,
        rule_unless=unless,
        emoji=emoji,
        facets=_ordered(data.get("facets"), "facets"),
        harms=_ordered(data.get("harm"), "harm"),
        questions=_ordered(data.get("questions"), "questions"),
        second_person={str(k): str(v) for k, v in (data.get("second_person") or {}).items()},
        verb_after_you={str(k): str(v) for k, v in (data.get("verb_after_you") or {}).items()},
        fillers=re.compile(r"^(?:" + "|".join(fillers) + r")\b[\s,]*") if fillers
        else re.compile(r"(?!)"),
        hedges=re.compile(r"(?:^|\s)(?:" + "|".join(str(h) for h in data.get("hedges") or [])
                          + r")$") if data.get("hedges") else re.compile(r"(?!)"),
        stances=tuple(
            (str(name), re.compile(r"^(?:" + "|".join(str(p) for p in pats) + r")\b\s*"))
            for name, pats in (data.get("stances") or {}).items()
        ),
        weak_endings=frozenset(str(w) for w in data.get("weak_endings") or []),
        whole_before_to=frozenset(str(w) for w in data.get("whole_before_to") or []),
        ing_forms={str(k): str(v) for k, v in (data.get("ing_forms") or {}).items()},
        verbs=frozenset(str(v) for v in data.get("verbs") or []),
        compound_heads=frozenset(str(v) for v in data.get("compound_heads") or []),
        joins=frozenset(str(v) for v in data.get("joins") or []),
        others=frozenset(str(v) for v in data.get("others") or []),
        past=frozenset(str(v) for v in data.get("past") or []),
        own_topics=frozenset(str(t) for t in (data.get("topics") or {}).get("own") or []),
        plain_topics=frozenset(str(t) for t in (data.get("topics") or {}).get("plain") or []),
        feelings=_ordered(data.get("feelings"), "feelings", whole_words=True),
        min_score={str(k): float(v) for k, v in (data.get("min_score") or {}).items()},
        question_starts=frozenset(str(w) for w in data.get("question_starts") or []),
    )


@functools.lru_cache(maxsize=4)
def language(locale: str = "en", root: Path | None = None) -> Language:
    """The compiled language data of `locale` (read once)."""
    folder = root or understanding_dir(locale)
    data = yamlio.safe_load((folder / LANGUAGE_FILE).read_text(encoding="utf-8")) or {}
    return compile_language(data)


def language_problems(locale: str = "en") -> list[str]:
    """What is wrong with a locale's language file (empty: all good)."""
    path = understanding_dir(locale) / LANGUAGE_FILE
    if not path.is_file():
        return [f"locale '{locale}': no {path.relative_to(path.parents[3])}"]
    try:
        compile_language(yamlio.safe_load(path.read_text(encoding="utf-8")) or {})
    except (ValueError, yaml.YAMLError, AttributeError, TypeError) as exc:
        return [f"{path.name} ({locale}): {exc}"]
    return []
