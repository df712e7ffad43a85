"""Validation of the safety data files and of broken copies of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.paths import safety_dir
from bot.safety import SafetyDataError, validate_safety_data
from bot.safety._lexicon import crisis_lexicon

FILES = ("crisis_lexicon.yaml", "clinical_lexicon.yaml", "forbidden_language.yaml")


def test_shipped_data_is_valid() -> None:
    assert validate_safety_data() == []


def test_each_data_file_explains_how_to_add_a_rule() -> None:
    for name in FILES:
        assert "HOW TO ADD A RULE" in (safety_dir() / name).read_text(encoding="utf-8")


def _copy(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(safety_dir() / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("patterns: ['suicidal', 'suicide']", "patterns: ['suicid(al']", "does not compile"),
        ("patterns: ['suicidal', 'suicide']", "patterns: ['{{nope}}']", "unknown vocab"),
        ("id: suicide.word", "id: suicide.kill_myself", "used twice"),
        ("cues: [not, 'no',", "cues: [not, no,", "quote it"),
        ("priority: [overdose, suicide,", "priority: [suicide,", "priority"),
        # "(?! to)" after "cut" also ruled out "cut tonight": a lookahead must end in \b
        ("patterns: ['suicidal', 'suicide']", "patterns: ['suicidal(?! to)', 'suicide']",
         "without \\b"),
    ],
)
def test_broken_crisis_data_is_reported(tmp_path: Path, old: str, new: str, message: str) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "crisis_lexicon.yaml", old, new)
    errors = validate_safety_data(directory)
    assert any(message in error for error in errors), errors
    with pytest.raises(SafetyDataError):
        crisis_lexicon(directory)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "forbidden_language.yaml").unlink()
    assert any("forbidden_language.yaml" in e for e in validate_safety_data(directory))


def test_loader_is_cached() -> None:
    assert crisis_lexicon() is crisis_lexicon()
