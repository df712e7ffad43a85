"""The output language guard: labels, stigmatising words and doses in bot text."""

from __future__ import annotations

import pytest

from bot.safety import language_violations
from bot.safety._lexicon import forbidden_lexicon

# (outgoing text, rule id it must trip)
FORBIDDEN = [
    ("You are an alcoholic.", "label.you_are"),
    ("you're an addict", "label.you_are"),
    ("You\u2019re a junkie", "label.you_are"),
    ("You have an alcohol use disorder.", "label.you_have"),
    ("It sounds like you have a substance use disorder", "label.you_have"),
    ("You're in denial about this.", "label.denial"),
    ("Many addicts find meetings useful.", "stigma.addict"),
    ("Even a junkie can change.", "stigma.junkie"),
    ("Support for drug abusers", "stigma.abuser"),
    ("Help with substance abuse", "stigma.substance_abuse"),
    ("Talk to other alcoholics", "stigma.alcoholic"),
    ("You can be a recovering alcoholic and still slip.", "stigma.alcoholic"),
    ("How long have you been clean?", "stigma.clean_dirty"),
    ("Well done for staying clean!", "stigma.clean_dirty"),
    ("If your test came back dirty, that's ok.", "stigma.clean_dirty"),
    ("Bring a clean urine sample", "stigma.clean_dirty"),
    ("Take 10 mg before bed.", "dosing.take_amount"),
    ("take two pills with water", "dosing.take_amount"),
    ("Most people use 25mg.", "dosing.amount"),
    ("5 mg every 6 hours", "dosing.schedule"),
]


@pytest.mark.parametrize(("text", "rule_id"), FORBIDDEN)
def test_forbidden_form_is_caught(text: str, rule_id: str) -> None:
    assert rule_id in language_violations(text)


def test_every_rule_has_a_probe() -> None:
    rule_ids = {rule_id for rule_id, _ in forbidden_lexicon().rules}
    assert rule_ids == {rule_id for _, rule_id in FORBIDDEN}


@pytest.mark.parametrize(
    "text",
    [
        "Alcoholics Anonymous meets on Tuesdays.",
        "Al-Anon is for families and friends.",
        "Narcotics Anonymous has online meetings.",
        "Addiction Center lists treatment options.",
        "Call the Substance Abuse and Mental Health Services Administration helpline.",
        "Adult Children of Alcoholics has a workbook.",
        "Non-alcoholic beer can be an option for some people.",
        "Syringe services offer clean needles and naloxone.",
        "A person who uses drugs deserves respect.",
        "What would you like to be different in a month?",
        "Stopping alcohol suddenly can be dangerous; a doctor can help you plan it.",
        "You have been alcohol-free for 12 days.",
        "Keep your space clean and calm before you sleep.",
    ],
)
def test_allowed_and_person_first_text_passes(text: str) -> None:
    assert language_violations(text) == []


def test_violations_are_listed_once_in_rule_order() -> None:
    found = language_violations("You're an addict. Addicts take 10 mg.")
    assert found == ["label.you_are", "stigma.addict", "dosing.take_amount", "dosing.amount"]
