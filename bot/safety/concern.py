"""The wider net: cues that a crisis may be told indirectly, and the one question they bring.

The crisis screen (`screen.crisis_screen`) fires only when it can name the crisis. People
often don't: "whats the tallest car park that doesnt have the fences up top", "gave my dog
to my sister, told her its just for a bit". The cues in
`resources/safety/<locale>/concern_cues.yaml` catch such messages; the bot then asks straight
out, as a peer coach would, whether the person or someone with them is in danger right now
(`flows/crisis.yaml`, state `check`).
A "yes" opens the full crisis response; "I'm safe" goes back to where they were.

Beside the cues, the learned screen (`learned.py`) and the understanding step's riskiest
feelings (hopelessness, feeling a burden, "nobody would notice") bring the same question.
Only the same question is ever held back, and only for CHECK_REPEAT_MINUTES after it was
asked: someone who just said they are safe is not asked again about the same story, while a
plain crisis (the rules) always gets its response, at once, however recently anything else
was said.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.paths import safety_dir
from bot.safety._compile import Compiler, SafetyDataError, read_yaml
from bot.safety._lexicon import compiler_vocab
from bot.safety.screen import normalised

CUES_FILE = "concern_cues.yaml"
CRISIS_FILE = "crisis_lexicon.yaml"
CHECK_REPEAT_MINUTES = timedelta(minutes=10)
#: The category the crisis flow is started with when it should ask first.
UNCLEAR = "unclear"
#: The safety event (and metric label) of a concern check question.
CHECK = "check"


@dataclass(frozen=True)
class Cue:
    """One compiled cue."""

    cue_id: str
    pattern: Any  # re.Pattern[str]
    examples: tuple[str, ...]


def compile_cues(data: dict[str, Any], vocab: dict[str, str]) -> tuple[tuple[Cue, ...], list[str]]:
    """Compiles the cues file (patterns may use the crisis lexicon's `{{vocab}}`)."""
    compiler = Compiler(CUES_FILE, vocab)
    cues = []
    for index, entry in enumerate(compiler.as_list(data.get("cues"), "cues")):
        entry = compiler.as_map(entry, f"cues[{index}]")
        cue_id = compiler.claim_id(entry.get("id"), f"cues[{index}]")
        pattern = compiler.alternation({"patterns": [entry.get("pattern")]}, cue_id)
        examples = tuple(str(e) for e in compiler.as_list(entry.get("examples"), cue_id))
        if not examples:
            compiler.error(cue_id, "give at least one example message")
        if pattern is not None:
            cues.append(Cue(cue_id, pattern, examples))
    return tuple(cues), compiler.errors


@functools.lru_cache(maxsize=4)
def concern_cues(directory: Path = safety_dir()) -> tuple[Cue, ...]:
    """The compiled cues (read once); raises SafetyDataError listing every problem."""
    data, errors = read_yaml(directory / CUES_FILE)
    lexicon_data, lexicon_errors = read_yaml(directory / CRISIS_FILE)
    cues, compile_errors = compile_cues(data, compiler_vocab(lexicon_data))
    errors = errors + lexicon_errors + compile_errors  # examples: validate_safety_data()
    if errors:
        raise SafetyDataError("invalid safety data:\n  " + "\n  ".join(errors))
    return cues


def concern_screen(
    text: str, cues: tuple[Cue, ...] | None = None, locale: str = "en"
) -> str | None:
    """The id of the first cue the message matches, or None."""
    message = normalised(text, locale)
    for cue in concern_cues(safety_dir(locale)) if cues is None else cues:
        if cue.pattern.search(message):
            return cue.cue_id
    return None
