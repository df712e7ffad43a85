"""The safety screens: crisis, clinical requests, and forbidden language in outgoing text.

Usage::

    from bot.safety import crisis_screen, clinical_screen, language_violations

    signal = crisis_screen("he won't wake up")
    # CrisisSignal(category='overdose', rule='overdose.signs', about_other=True)
    request = clinical_screen("can I just stop drinking cold turkey")
    # ClinicalRequest(kind='medical_advice', substance='alcohol', stopping_risk=True)
    language_violations("You're an addict.")  # ['label.you_are', 'stigma.addict']

The screens return categories and rule ids, never sentences: what to say lives in templates.
Every rule is data in `resources/safety/`; this module only applies it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from bot.paths import safety_dir
from bot.safety._engine import RuleSet, find_in_clause, requirements_met, speaks_of_past
from bot.safety._lexicon import (
    CRISIS_CATEGORIES,
    CrisisLexicon,
    clinical_lexicon,
    crisis_lexicon,
    forbidden_lexicon,
)
from bot.safety._text import normalise, split_clauses

__all__ = [
    "CRISIS_CATEGORIES",
    "ClinicalRequest",
    "CrisisSignal",
    "clinical_screen",
    "crisis_screen",
    "language_violations",
]

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True)
class CrisisSignal:
    """A crisis found in an inbound message.

    Attributes:
        category: one of CRISIS_CATEGORIES.
        rule: id of the rule that matched (for tests and metrics; never the message text).
        about_other: True when someone else is in danger ("he won't wake up").
        joking: True when it was said with a laugh ("lol", "jk", a laughing emoji) and not
            called serious: the bot asks straight out instead of starting the full response.
    """

    category: str
    rule: str
    about_other: bool
    joking: bool = False


@dataclass(frozen=True)
class ClinicalRequest:
    """A request for a diagnosis, a dose, a medicine decision or medical advice.

    Attributes:
        kind: "diagnosis", "dosing", "medication" or "medical_advice".
        substance: normalised name ("alcohol", "benzodiazepines", ...) or None.
        stopping_risk: True when it is about stopping alcohol or benzodiazepines.
        stopping_medication: True when it is about stopping methadone or buprenorphine.
    """

    kind: str
    substance: str | None
    stopping_risk: bool
    stopping_medication: bool = False


@functools.lru_cache(maxsize=64)
def normalised(text: str, locale: str = "en") -> str:
    """`text` as the crisis screen and the concern cues read it (each message normalised once)."""
    lexicon = crisis_lexicon(safety_dir(locale))
    return normalise(text, lexicon.substitutions, lexicon.substitution_trigger)


def crisis_screen(text: str, locale: str = "en") -> CrisisSignal | None:
    """Screens an inbound message for a crisis.

    Each clause is checked on its own, so a crisis buried in a long message is found. When
    several categories match, the one first in the lexicon's `priority` list wins.

    Args:
        text: the message as the person wrote it.
        locale: the person's language (whose lexicon applies).

    Returns:
        The highest-priority crisis found, or None.
    """
    lexicon = crisis_lexicon(safety_dir(locale))
    message = normalised(text, locale)
    if lexicon.prefilter.search(message) is None:
        return None
    clauses = split_clauses(message)
    for category in lexicon.categories:
        signal = _screen_category(lexicon, category, clauses, message)
        if signal is not None:
            if told_as_over(lexicon, message):  # asked only of a match: a story that ended
                return None
            asks = {signal.category, signal.rule} & lexicon.joke_asks
            return replace(signal, joking=bool(asks) and said_as_joke(lexicon, text))
    return None


def told_over(text: str, locale: str = "en") -> bool:
    """Whether `text` tells of a danger that is over and of none now (see `told_as_over`)."""
    return told_as_over(crisis_lexicon(safety_dir(locale)), normalised(text, locale))


def told_as_over(lexicon: CrisisLexicon, message: str) -> bool:
    """Whether the (normalised) message tells of a danger that is over ("he pulled through",
    "ten years sober", a nurse after a shift) and of no danger now ("again", "tonight")."""
    return (lexicon.told_over is not None and lexicon.told_over.search(message) is not None
            and (lexicon.danger_now is None or lexicon.danger_now.search(message) is None))


def said_as_joke(lexicon: CrisisLexicon, text: str) -> bool:
    """Whether the message laughs ("lol", "jk", a laughing emoji) and nowhere says it is serious."""
    if lexicon.joking is None:
        return False
    plain = text.lower().translate(_QUOTES).replace("'", "")
    if not lexicon.joking.search(plain):
        return False
    return lexicon.serious is None or not lexicon.serious.search(plain)


@functools.lru_cache(maxsize=64)  # the concern check and the clinical screen ask of one message
def clinical_screen(text: str, locale: str = "en") -> ClinicalRequest | None:
    """Recognises a request for a diagnosis, a dose, a medicine decision or medical advice.

    The person's own statements ("my doctor prescribed naltrexone and it helps") are not
    requests and return None.

    Args:
        text: the message as the person wrote it.

    Returns:
        What kind of clinical request it is, or None.
    """
    lexicon = clinical_lexicon(safety_dir(locale))
    message = normalise(text)
    clauses = [
        clause
        for clause in split_clauses(message)
        if not any(exception.search(clause) for exception in lexicon.exceptions)
    ]
    for rule in lexicon.rules:
        if not requirements_met(rule, message):
            continue
        if any(rule.pattern.search(clause) for clause in clauses):
            substance = next(
                (name for name, pattern in lexicon.substances if pattern.search(message)), None
            )
            mentions_risky = any(
                pattern.search(message)
                for name, pattern in lexicon.substances
                if name in lexicon.risky_substances
            )
            talks_of_stopping = any(p.search(message) for p in lexicon.stopping)
            stopping = mentions_risky and talks_of_stopping
            medication = bool(lexicon.opioid_medicines is not None and talks_of_stopping
                              and lexicon.opioid_medicines.search(message))
            return ClinicalRequest(kind=rule.group, substance=substance, stopping_risk=stopping,
                                   stopping_medication=medication)
    return None


def language_violations(text: str, locale: str = "en") -> list[str]:
    """Lists the forbidden-language rules that OUTGOING bot text breaks.

    Allowed spans (organisation names such as "Alcoholics Anonymous") are blanked first.

    Args:
        text: rendered text the bot is about to send.

    Returns:
        Rule ids in data-file order, each once; empty when the text is fine.
    """
    lexicon = forbidden_lexicon(safety_dir(locale))
    cleaned = text.translate(_QUOTES)
    for allowed in lexicon.allow:
        cleaned = allowed.sub(lambda m: " " * len(m.group(0)), cleaned)
    found: list[str] = []
    for rule_id, pattern in lexicon.rules:
        if rule_id not in found and pattern.search(cleaned):
            found.append(rule_id)
    return found


def _screen_category(
    lexicon: CrisisLexicon, category: RuleSet, clauses: list[str], message: str
) -> CrisisSignal | None:
    for clause in clauses:
        if speaks_of_past(category, clause):
            continue
        for rule in category.rules:
            match = find_in_clause(category, rule, clause)
            if match is None or not requirements_met(rule, message):
                continue
            if rule.about == "auto":
                about_other = _about_other(lexicon, clause, match, clauses)
            else:
                about_other = rule.about == "other"
            return CrisisSignal(category.name, rule.rule_id, about_other)
    return None


def _about_other(
    lexicon: CrisisLexicon, clause: str, match: re.Match[str], clauses: list[str]
) -> bool:
    """Decides who is in danger from the subject nearest before the match.

    Falls back to the first subject after it, then to other clauses; defaults to the writer.
    """
    before = clause[: match.start()]
    nearest = _last_subject(lexicon, before)
    if nearest is not None:
        return nearest
    for text in [clause[match.start() :], *clauses]:
        first = _first_subject(lexicon, text)
        if first is not None:
            return first
    return False


def _last_subject(lexicon: CrisisLexicon, text: str) -> bool | None:
    best_end, is_other = -1, None
    for pattern, other in ((lexicon.self_subject, False), (lexicon.other_subject, True)):
        for hit in pattern.finditer(text):
            if hit.end() > best_end or (hit.end() == best_end and other):
                best_end, is_other = hit.end(), other
    return is_other


def _first_subject(lexicon: CrisisLexicon, text: str) -> bool | None:
    hits = [
        (hit.start(), -len(hit.group(0)), other)
        for pattern, other in ((lexicon.self_subject, False), (lexicon.other_subject, True))
        for hit in [pattern.search(text)]
        if hit is not None
    ]
    return min(hits)[2] if hits else None
