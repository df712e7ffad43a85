"""Targeted probes of the crisis screen: the issue's examples, negation, slang, structure."""

from __future__ import annotations

import dataclasses

import pytest

from bot.safety import CrisisSignal, crisis_screen
from bot.safety._lexicon import crisis_lexicon
from bot.safety._text import normalise, split_clauses


def category(text: str) -> str | None:
    signal = crisis_screen(text)
    return signal.category if signal else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("everyone would be better off without me", "suicide"),
        ("I've been giving my things away", "suicide"),
        ("I won't be a problem much longer", "suicide"),
        ("I just want to go to sleep and not wake up", "suicide"),
        ("he won't wake up", "overdose"),
        ("her lips are blue", "overdose"),
        ("took too many pills", "overdose"),
        ("my brother od'd", "overdose"),
        ("I don't want to live anymore", "suicide"),
        ("I'm not okay, I want to die", "suicide"),
        ("im not okay i want to die", "suicide"),
        ("day 3 off the booze and I'm seeing bugs on the walls", "withdrawal"),
        ("I had a seizure after quitting xanax", "withdrawal"),
        ("he's having a seizure", "medical"),
        ("my husband hits me", "violence"),
        ("I can't breathe", "medical"),
    ],
)
def test_issue_examples_fire(text: str, expected: str) -> None:
    assert category(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "this craving is killing me",
        "I'm dying for a drink",
        "I killed it at work",
        "I overdid it at the gym",
        "my dad died of an overdose two years ago",
        "I had a lapse last night",
        "I'm not suicidal, just tired",
        "no thoughts of hurting myself",
        "dead tired",
        "shoot me a message",
        "I could murder a pizza",
    ],
)
def test_ordinary_recovery_talk_does_not_fire(text: str) -> None:
    assert crisis_screen(text) is None


@pytest.mark.parametrize(
    ("negated", "affirmed"),
    [
        ("I'm not suicidal", "I'm suicidal"),
        ("I have no thoughts of ending my life", "I have thoughts of ending my life"),
        ("I'm not going to hurt myself", "I'm going to hurt myself"),
        ("I don't want to die", "I want to die"),
        ("I'm no longer suicidal", "I'm suicidal again"),
    ],
)
def test_negation_cancels_only_what_it_governs(negated: str, affirmed: str) -> None:
    assert crisis_screen(negated) is None
    assert crisis_screen(affirmed) is not None


def test_negation_does_not_reach_across_a_new_clause_or_subject() -> None:
    assert category("I'm not suicidal but I want to die") == "suicide"
    assert category("it doesnt matter anymore want to die") == "suicide"
    assert category("not sure i want to live anymore") == "suicide"


# One probe per entry of the normalisation table: (input, text the rules must then see).
NORMALISATION_CASES = {
    "slang.kms": ("i wanna kms", "kill myself"),
    "slang.kys_self": ("might just kys tonight", "just kill myself"),
    "slang.unalive": ("i want to unalive myself", "kill myself"),
    "slang.unalived": ("he unalived himself", "killed himself"),
    "slang.unaliving": ("thinking about unaliving myself", "killing myself"),
    "typo.suicidal": ("feeling suicidle", "suicidal"),
    "typo.suicide": ("thinking about sucide", "suicide"),
    "slang.wanna": ("wanna die", "want to die"),
    "slang.gonna": ("gonna do it", "going to do it"),
    "slang.gotta": ("gotta go", "got to go"),
    "slang.imma": ("imma end it", "i am going to end it"),
    "slang.u": ("u ok", "you ok"),
    "slang.cuz": ("cuz i'm done", "because im done"),
    "slang.odd": ("my friend od'd", "overdosed"),
    "slang.oding": ("someone is od-ing", "overdosing"),
    "slang.od": ("he had an od", "an overdose"),
    "slang.shd": ("i sh'd last night", "self harmed"),
    "slang.sh": ("sh urges tonight", "self harm urges"),
    "slang.sh_relapse": ("relapsed on sh", "relapsed on self harm"),
    "slang.selfharm": ("selfharm again", "self harm again"),
    "slang.dts": ("having the DT's", "delirium tremens"),
    "slang.rn": ("shaking rn", "right now"),
    "slang.bf": ("my bf hit me", "my boyfriend"),
    "slang.gf": ("my gf passed out", "my girlfriend"),
    "slang.dropped_g": ("stopped drinkin tuesday", "stopped drinking tuesday"),
    "slang.cant": ("I cannot breathe", "cant breathe"),
    "slang.dont": ("I do not want to live", "dont want to live"),
    "phrase.no_reason_not_to": ("no reason not to end it", "nothing stops me from end it"),
    "phrase.why_not": ("why not just end it all", "why wait just end it all"),
    "phrase.havent_not": ("I haven't not thought about it once today", "have thought about it"),
    "dialect.myself": ("gonna kill meself", "kill myself"),
    "typo.beat": ("he is beeting me", "beating me"),
    "typo.again": ("he hit me agen", "hit me again"),
    "typo.the": ("teh only reason", "the only reason"),
}


def test_every_normalisation_entry_has_a_case() -> None:
    ids = {s.rule_id for s in crisis_lexicon().substitutions}
    assert ids == set(NORMALISATION_CASES)


@pytest.mark.parametrize(("rule_id", "case"), sorted(NORMALISATION_CASES.items()))
def test_normalisation(rule_id: str, case: tuple[str, str]) -> None:
    raw, expected = case
    assert expected in normalise(raw, crisis_lexicon().substitutions)


def test_odd_is_not_an_overdose() -> None:
    assert crisis_screen("that's odd, he won't text back") is None


def test_kys_at_someone_else_is_not_the_writers_crisis() -> None:
    assert crisis_screen("someone told me to kys") is None


@pytest.mark.parametrize(
    "text",
    [
        "I WANT TO DIE",
        "i want to die",
        "i want to die!!!",
        "I want to die \U0001f622",
        "I want\nto die",
    ],
)
def test_case_punctuation_and_emoji_do_not_matter(text: str) -> None:
    assert category(text) == "suicide"


def test_crisis_buried_in_a_long_message_is_found() -> None:
    text = (
        "Check-in went fine, meeting at 7 was good, my sponsor says hi and the weather is "
        "nice. Honestly though I have a plan to end it tonight. Anyway what's for dinner?"
    )
    assert category(text) == "suicide"


def test_clauses_split_on_punctuation_and_but() -> None:
    assert split_clauses("a, b. c but d") == ["a", "b", "c", "d"]


def test_about_other() -> None:
    assert crisis_screen("my roommate is passed out and i cant wake him up") == CrisisSignal(
        "overdose", "overdose.cant_wake_other", True
    )
    signal = crisis_screen("i took too many pills")
    assert signal is not None and signal.about_other is False
    signal = crisis_screen("my husband hits me")
    assert signal is not None and signal.about_other is False


def test_priority_overdose_before_suicide() -> None:
    assert category("I want to die. I took too many pills an hour ago") == "overdose"


def test_signal_carries_only_category_rule_id_and_about() -> None:
    signal = crisis_screen("my cat is fine but I want to die")
    assert signal is not None
    assert [f.name for f in dataclasses.fields(signal)] == ["category", "rule", "about_other",
                                                           "joking"]
    rule_ids = {r.rule_id for c in crisis_lexicon().categories for r in c.rules}
    assert signal.rule in rule_ids


def test_past_grief_does_not_fire_but_a_present_marker_does() -> None:
    assert crisis_screen("I used to self harm as a teenager") is None
    assert category("I used to self harm and I started again") == "self_harm"
