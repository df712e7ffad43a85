"""The clinical-request screen: diagnosis, dosing, medication and medical-advice requests."""

from __future__ import annotations

from typing import Any

import pytest

from bot.safety import ClinicalRequest, clinical_screen
from tests.safety._labelled import load

CLINICAL = load("clinical_devset.yaml")


@pytest.mark.parametrize("item", CLINICAL, ids=lambda m: m["text"][:50])
def test_clinical_devset(item: dict[str, Any]) -> None:
    request = clinical_screen(item["text"])
    if item["kind"] == "none":
        assert request is None
    else:
        assert request == ClinicalRequest(
            kind=item["kind"],
            substance=item.get("substance"),
            stopping_risk=item.get("stopping_risk", False),
            stopping_medication=item.get("stopping_medication", False),
        )


@pytest.mark.parametrize(
    ("text", "kind", "substance", "stopping_risk"),
    [
        ("am I an alcoholic?", "diagnosis", "alcohol", False),
        ("do I have bipolar?", "diagnosis", None, False),
        ("how much librium to detox at home", "dosing", "benzodiazepines", True),
        ("how many mg of xanax", "dosing", "benzodiazepines", False),
        ("should I stop my antidepressants", "medication", "antidepressants", False),
        ("can I take naltrexone", "medication", "naltrexone", False),
        ("is it safe to drink on antibiotics", "medical_advice", "alcohol", False),
        ("can I just stop drinking cold turkey", "medical_advice", "alcohol", True),
        ("detox from xanax at home", "medical_advice", "benzodiazepines", True),
    ],
)
def test_issue_probes(text: str, kind: str, substance: str | None, stopping_risk: bool) -> None:
    assert clinical_screen(text) == ClinicalRequest(kind, substance, stopping_risk)


@pytest.mark.parametrize(
    "text",
    [
        "my doctor prescribed naltrexone and it helps",
        "I take my suboxone every morning",
        "I want to stop drinking",
        "do I have a meeting today?",
        "how many days have I been sober?",
    ],
)
def test_own_mentions_and_ordinary_questions_are_not_requests(text: str) -> None:
    assert clinical_screen(text) is None


def test_stopping_risk_only_for_alcohol_and_benzodiazepines() -> None:
    request = clinical_screen("can I stop taking suboxone on my own")
    assert request is not None and request.stopping_risk is False
    request = clinical_screen("how do i wean myself off klonopin")
    assert request is not None and request.stopping_risk is True
