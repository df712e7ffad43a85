"""Validation of the safety data files, for a `flows check`-style command.

`validate_safety_data()` compiles every file, reports every problem (unknown vocab, bad regex,
duplicate id, missing category) and runs each rule's `examples:` through the screens, so a rule
whose own examples no longer fire is caught before start-up.
"""

from __future__ import annotations

from pathlib import Path

from bot.paths import safety_dir
from bot.safety._compile import read_yaml
from bot.safety._lexicon import (
    CLINICAL_FILE,
    CRISIS_FILE,
    FORBIDDEN_FILE,
    compile_clinical,
    compile_crisis,
    compile_forbidden,
    compiler_vocab,
)
from bot.safety.concern import CUES_FILE, compile_cues, concern_screen


def validate_safety_data(directory: Path = safety_dir()) -> list[str]:
    """Checks the safety data in `directory`.

    Args:
        directory: folder holding the lexicon files (default `resources/safety/en`).

    Returns:
        Human-readable problems, one a line, each naming the file and rule; empty when fine.
    """
    errors: list[str] = []
    crisis_data, read_errors = read_yaml(directory / CRISIS_FILE)
    errors += read_errors
    crisis, compile_errors = compile_crisis(crisis_data)
    errors += compile_errors
    clinical_data, read_errors = read_yaml(directory / CLINICAL_FILE)
    errors += read_errors
    clinical, compile_errors = compile_clinical(clinical_data)
    errors += compile_errors
    forbidden_data, read_errors = read_yaml(directory / FORBIDDEN_FILE)
    errors += read_errors
    errors += compile_forbidden(forbidden_data)[1]
    cues_data, read_errors = read_yaml(directory / CUES_FILE)
    errors += read_errors
    cues, compile_errors = compile_cues(cues_data, compiler_vocab(crisis_data))
    errors += compile_errors
    if errors or directory != safety_dir():
        return errors
    # Examples run through the public screens, which read the default directory.
    from bot.safety.screen import clinical_screen, crisis_screen

    for category in crisis.categories:
        for rule in category.rules:
            for example in rule.examples:
                signal = crisis_screen(example)
                if signal is None or signal.category != category.name:
                    got = signal.category if signal else "nothing"
                    errors.append(
                        f"{CRISIS_FILE}: rule {rule.rule_id!r}: example {example!r} screens as "
                        f"{got}, not {category.name}; fix the rule or the example"
                    )
    for cue in cues:
        for example in cue.examples:
            if concern_screen(example, cues) is None:
                errors.append(f"{CUES_FILE}: cue {cue.cue_id!r}: example {example!r} is not "
                              "matched; fix the pattern or the example")
    for rule in clinical.rules:
        for example in rule.examples:
            request = clinical_screen(example)
            if request is None or request.kind != rule.group:
                got = request.kind if request else "nothing"
                errors.append(
                    f"{CLINICAL_FILE}: rule {rule.rule_id!r}: example {example!r} screens as "
                    f"{got}, not {rule.group}; fix the rule or the example"
                )
    return errors
