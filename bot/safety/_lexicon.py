"""Loading and compiling the three safety data files in `resources/safety/`.

`crisis_lexicon()`, `clinical_lexicon()` and `forbidden_lexicon()` read their file once
(`functools.lru_cache`), precompile every regex and raise `SafetyDataError` listing every problem
if the data is invalid. `compile_*` do the same work but return the errors, for validation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.paths import safety_dir
from bot.safety._compile import _WRAP_HEAD, _WRAP_TAIL, Compiler, SafetyDataError, read_yaml
from bot.safety._engine import ABOUT_VALUES, Negation, Rule, RuleSet
from bot.safety._text import Substitution

CRISIS_CATEGORIES = ("suicide", "self_harm", "overdose", "withdrawal", "violence", "medical")
CLINICAL_KINDS = ("diagnosis", "dosing", "medication", "medical_advice")
CRISIS_FILE = "crisis_lexicon.yaml"
CLINICAL_FILE = "clinical_lexicon.yaml"
FORBIDDEN_FILE = "forbidden_language.yaml"


@dataclass(frozen=True)
class CrisisLexicon:
    """Compiled crisis data: normalisation, categories in priority order, subject cues."""

    substitutions: tuple[Substitution, ...]
    substitution_trigger: re.Pattern[str]
    categories: tuple[RuleSet, ...]
    prefilter: re.Pattern[str]
    self_subject: re.Pattern[str]
    other_subject: re.Pattern[str]
    joking: re.Pattern[str] | None = None  # "lol", "jk", a laughing emoji
    serious: re.Pattern[str] | None = None  # "not joking", "for real": no joke after all
    joke_asks: frozenset[str] = frozenset()  # categories and rule ids a laugh turns to a question
    told_over: re.Pattern[str] | None = None  # "hes fine now", "10 years sober", coursework
    danger_now: re.Pattern[str] | None = None  # "again", "tonight", "just took": not over


@dataclass(frozen=True)
class ClinicalLexicon:
    """Compiled clinical-request data."""

    rules: tuple[Rule, ...]
    substances: tuple[tuple[str, re.Pattern[str]], ...]
    stopping: tuple[re.Pattern[str], ...]
    exceptions: tuple[re.Pattern[str], ...]
    risky_substances: frozenset[str]
    opioid_medicines: Any = None  # re.Pattern[str] | None: methadone, buprenorphine...


@dataclass(frozen=True)
class ForbiddenLexicon:
    """Compiled forbidden-language data: allow-list spans and (id, pattern) rules."""

    allow: tuple[re.Pattern[str], ...]
    rules: tuple[tuple[str, re.Pattern[str]], ...]


def _word_set(compiler: Compiler, value: Any, where: str) -> frozenset[str]:
    words = compiler.as_list(value, where)
    for word in words:
        if not isinstance(word, str):
            # YAML reads a bare no/yes/on/off as a boolean: the cue would silently vanish.
            compiler.error(where, f"{word!r} is not a word; quote it (YAML reads bare no as false)")
    return frozenset(word.lower() for word in words if isinstance(word, str))


def _rule(compiler: Compiler, entry: Any, group: str, where: str) -> Rule | None:
    entry = compiler.as_map(entry, where)
    rule_id = compiler.claim_id(entry.get("id"), where)
    where = f"rule {rule_id!r}"
    if not rule_id.startswith(group + "."):
        compiler.error(where, f"id should start with {group + '.'!r}")
    about = str(entry.get("about", "auto"))
    if about not in ABOUT_VALUES:
        compiler.error(where, f"about: {about!r} must be one of {', '.join(ABOUT_VALUES)}")
    pattern = compiler.alternation(entry, where)
    if pattern is None:
        return None
    return Rule(
        rule_id=rule_id,
        pattern=pattern,
        group=group,
        requires=compiler.regexes(entry.get("requires"), where),
        about=about,
        negatable=bool(entry.get("negatable", True)),
        examples=tuple(str(e) for e in compiler.as_list(entry.get("examples"), where)),
    )


def compile_crisis(data: dict[str, Any]) -> tuple[CrisisLexicon, list[str]]:
    """Compiles crisis lexicon data; returns the lexicon and the problems found."""
    compiler = Compiler(CRISIS_FILE, compiler_vocab(data))
    substitutions = []
    for index, entry in enumerate(compiler.as_list(data.get("normalise"), "normalise")):
        entry = compiler.as_map(entry, f"normalise[{index}]")
        rule_id = compiler.claim_id(entry.get("id"), f"normalise[{index}]")
        pattern = compiler.regex(entry.get("match"), f"normalise {rule_id!r}")
        if pattern is not None:
            substitutions.append(Substitution(rule_id, pattern, str(entry.get("replace", ""))))
    neg = compiler.as_map(data.get("negation"), "negation")
    negation = Negation(
        cues=_word_set(compiler, neg.get("cues"), "negation.cues"),
        pseudo_next=_word_set(compiler, neg.get("pseudo_next"), "negation.pseudo_next"),
        fillers=_word_set(compiler, neg.get("fillers"), "negation.fillers"),
        scope=int(neg.get("scope", 0)),
    )
    past = compiler.as_map(data.get("past"), "past")
    past_re = _union(compiler, past.get("markers"), "past.markers")
    present_re = _union(compiler, past.get("present"), "past.present")
    raw_categories = compiler.as_map(data.get("categories"), "categories")
    priority = [str(c) for c in compiler.as_list(data.get("priority"), "priority")]
    if sorted(priority) != sorted(CRISIS_CATEGORIES):
        compiler.error("priority", f"must list each of {', '.join(CRISIS_CATEGORIES)} once")
    if sorted(raw_categories) != sorted(CRISIS_CATEGORIES):
        compiler.error("categories", f"must define exactly {', '.join(CRISIS_CATEGORIES)}")
    categories = []
    for name in [p for p in priority if p in raw_categories]:
        raw = compiler.as_map(raw_categories[name], f"categories.{name}")
        rules = [_rule(compiler, e, name, name) for e in compiler.as_list(raw.get("rules"), name)]
        categories.append(
            RuleSet(
                name=name,
                rules=tuple(r for r in rules if r is not None),
                exceptions=compiler.regexes(raw.get("exceptions"), f"{name}.exceptions"),
                negation=negation,
                past=past_re if raw.get("past_cancels") else None,
                present=present_re if raw.get("past_cancels") else None,
            )
        )
    subjects = compiler.as_map(data.get("subjects"), "subjects")
    joking = compiler.as_map(data.get("joking") or {}, "joking")
    over = compiler.as_map(data.get("over") or {}, "over")
    prefilter = _prefilter([r for c in categories for r in c.rules])
    known = {c.name for c in categories} | {r.rule_id for c in categories for r in c.rules}
    for name in compiler.as_list(joking.get("applies_to") or [], "joking.applies_to"):
        if str(name) not in known:
            compiler.error("joking.applies_to", f"{name!r} is neither a category nor a rule id")
    lexicon = CrisisLexicon(
        substitutions=tuple(substitutions),
        substitution_trigger=re.compile("|".join(s.pattern.pattern for s in substitutions) or "^$"),
        categories=tuple(categories),
        prefilter=prefilter,
        self_subject=compiler.regex(subjects.get("self"), "subjects.self") or re.compile("(?!)"),
        other_subject=compiler.regex(subjects.get("other"), "subjects.other") or re.compile("(?!)"),
        joking=_union(compiler, joking.get("markers"), "joking.markers"),
        serious=_union(compiler, joking.get("serious"), "joking.serious"),
        joke_asks=frozenset(str(x) for x in compiler.as_list(joking.get("applies_to") or [],
                                                              "joking.applies_to")),
        told_over=_union(compiler, over.get("told_over"), "over.told_over"),
        danger_now=_union(compiler, over.get("danger_now"), "over.danger_now"),
    )
    return lexicon, compiler.errors


def compile_clinical(data: dict[str, Any]) -> tuple[ClinicalLexicon, list[str]]:
    """Compiles clinical lexicon data; returns the lexicon and the problems found."""
    compiler = Compiler(CLINICAL_FILE, compiler_vocab(data))
    rules = []
    for index, entry in enumerate(compiler.as_list(data.get("rules"), "rules")):
        kind = str(compiler.as_map(entry, f"rules[{index}]").get("kind"))
        if kind not in CLINICAL_KINDS:
            compiler.error(f"rules[{index}]", f"kind {kind!r} must be one of {CLINICAL_KINDS}")
            continue
        rule = _rule(compiler, entry, kind, f"rules[{index}]")
        if rule is not None:
            rules.append(rule)
    substances = []
    for name, pattern in compiler.as_map(data.get("substances"), "substances").items():
        compiled = compiler.regex(r"\b" + str(pattern) + r"\b", f"substances.{name}")
        if compiled is not None:
            substances.append((str(name), compiled))
    for risky in ("alcohol", "benzodiazepines"):
        if risky not in dict(substances):
            compiler.error("substances", f"{risky!r} must be defined (it carries stopping risk)")
    lexicon = ClinicalLexicon(
        rules=tuple(rules),
        substances=tuple(substances),
        stopping=compiler.regexes(data.get("stopping"), "stopping"),
        exceptions=compiler.regexes(data.get("exceptions"), "exceptions"),
        risky_substances=frozenset({"alcohol", "benzodiazepines"}),
        opioid_medicines=compiler.regex(r"\b" + str(data["opioid_medicines"]) + r"\b",
                                        "opioid_medicines") if data.get("opioid_medicines")
        else None,
    )
    return lexicon, compiler.errors


def compile_forbidden(data: dict[str, Any]) -> tuple[ForbiddenLexicon, list[str]]:
    """Compiles forbidden-language data; returns the lexicon and the problems found."""
    compiler = Compiler(FORBIDDEN_FILE)
    allow = compiler.regexes(data.get("allow"), "allow", re.IGNORECASE)
    rules: list[tuple[str, re.Pattern[str]]] = []
    for index, entry in enumerate(compiler.as_list(data.get("rules"), "rules")):
        entry = compiler.as_map(entry, f"rules[{index}]")
        rule_id = compiler.claim_id(entry.get("id"), f"rules[{index}]")
        patterns = compiler.regexes(entry.get("patterns"), f"rule {rule_id!r}", re.IGNORECASE)
        if not patterns:
            compiler.error(f"rule {rule_id!r}", "has no valid `patterns`")
        rules.extend((rule_id, pattern) for pattern in patterns)
    return ForbiddenLexicon(allow=allow, rules=tuple(rules)), compiler.errors


def compiler_vocab(data: dict[str, Any]) -> dict[str, str]:
    """Returns the file's `vocab:` mapping (empty when absent or malformed)."""
    vocab = data.get("vocab")
    return {str(k): str(v) for k, v in vocab.items()} if isinstance(vocab, dict) else {}


def _prefilter(rules: list[Rule]) -> re.Pattern[str]:
    """One flat alternation of every rule's patterns: a message it misses can't match any rule.

    Flattening (one word-start check, no per-rule wrappers) makes it about twice as fast as
    joining the rules' own regexes; most messages stop here.
    """
    inner = [r.pattern.pattern[len(_WRAP_HEAD) : -len(_WRAP_TAIL)] for r in rules]
    return re.compile(_WRAP_HEAD + "|".join(inner) + ")" if inner else "(?!)")


def _union(compiler: Compiler, patterns: Any, where: str) -> re.Pattern[str] | None:
    compiled = compiler.regexes(patterns, where)
    return re.compile("|".join(p.pattern for p in compiled)) if compiled else None


def _load(directory: Path, name: str, compile_fn: Any) -> Any:
    data, errors = read_yaml(directory / name)
    lexicon, compile_errors = compile_fn(data)
    errors = errors + compile_errors
    if errors:
        raise SafetyDataError("invalid safety data:\n  " + "\n  ".join(errors))
    return lexicon


@functools.lru_cache(maxsize=4)
def crisis_lexicon(directory: Path = safety_dir()) -> CrisisLexicon:
    """Returns the compiled crisis lexicon (read once). Raises SafetyDataError if invalid."""
    lexicon: CrisisLexicon = _load(directory, CRISIS_FILE, compile_crisis)
    return lexicon


@functools.lru_cache(maxsize=4)
def clinical_lexicon(directory: Path = safety_dir()) -> ClinicalLexicon:
    """Returns the compiled clinical lexicon (read once). Raises SafetyDataError if invalid."""
    lexicon: ClinicalLexicon = _load(directory, CLINICAL_FILE, compile_clinical)
    return lexicon


@functools.lru_cache(maxsize=4)
def forbidden_lexicon(directory: Path = safety_dir()) -> ForbiddenLexicon:
    """Returns the compiled forbidden-language lexicon (read once). Raises if invalid."""
    lexicon: ForbiddenLexicon = _load(directory, FORBIDDEN_FILE, compile_forbidden)
    return lexicon
