"""Helpers that turn YAML rule data into compiled regexes, collecting readable errors.

Every error names the file and the rule and says what to fix, so `validate_safety_data` can
list them all at once and the loaders can fail fast with the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot import yamlio

_MACRO = re.compile(r"\{\{(\w+)\}\}")
_RULE_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")
_NEGATIVE_LOOKAHEAD = re.compile(r"\(\?!")


def _balanced(pattern: str, start: int) -> str:
    """The group opening at `start`, up to its closing parenthesis (escapes skipped)."""
    depth, index = 0, start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            break
        index += 1
    return pattern[start : index + 1]


# Every rule's alternation is wrapped in word boundaries that also work next to non-word text.
_WRAP_HEAD = "(?<!\\w)(?:"
_WRAP_TAIL = ")(?!\\w)"


class SafetyDataError(ValueError):
    """Raised when a safety data file is missing or invalid; the message lists every problem."""


class Compiler:
    """Compiles one data file's patterns, recording an error for each problem found.

    Args:
        source: file name used in error messages.
        vocab: `{{name}}` macros available to patterns.
    """

    def __init__(self, source: str, vocab: Mapping[str, str] | None = None) -> None:
        self.source = source
        self.errors: list[str] = []
        self.vocab: dict[str, str] = {}
        self._ids: set[str] = set()
        for name, value in (vocab or {}).items():
            self.vocab[name] = str(value)

    def error(self, where: str, problem: str) -> None:
        """Records a problem found at `where` (a rule id or a section name)."""
        self.errors.append(f"{self.source}: {where}: {problem}")

    def claim_id(self, rule_id: Any, where: str) -> str:
        """Checks a rule id is well formed and unique in this file; returns it as a string."""
        text = str(rule_id)
        if not _RULE_ID.match(text):
            self.error(where, f"id {text!r} should look like 'group.name' (lower case)")
        if text in self._ids:
            self.error(where, f"id {text!r} is used twice; ids must be unique")
        self._ids.add(text)
        return text

    def expand(self, pattern: str, where: str, depth: int = 0) -> str:
        """Replaces `{{name}}` macros with their vocab text (vocab may use other macros)."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.vocab:
                self.error(where, f"unknown vocab {{{{{name}}}}}; define it under `vocab:`")
                return "(?!)"
            if depth > 5:
                self.error(where, f"vocab {{{{{name}}}}} nests too deep (a loop?)")
                return "(?!)"
            return self.expand(self.vocab[name], where, depth + 1)

        return _MACRO.sub(replace, pattern)

    def lint(self, pattern: str, where: str) -> None:
        """Records a negative lookahead that ends in a word with no `\\b`: "(?! to)" after
        "cut" also ruled out "cut tonight", "(?! (?:a|the))" ruled out "cutting about a week
        ago" (both let a crisis through)."""
        for start in (m.start() for m in _NEGATIVE_LOOKAHEAD.finditer(pattern)):
            group = _balanced(pattern, start)
            tail = group[3:-1].rstrip(")")
            if tail and (tail[-1].isalnum() or tail[-1] == "_") and not tail.endswith("\\b"):
                self.error(where, f"lookahead {group!r} ends in a word without \\b, so it also "
                           "rules out longer words that start the same; end it with \\b)")

    def regex(self, pattern: Any, where: str, flags: int = 0) -> re.Pattern[str] | None:
        """Compiles one pattern (macros expanded); records an error and returns None if bad."""
        if not isinstance(pattern, str) or not pattern:
            self.error(where, f"pattern {pattern!r} must be a non-empty string")
            return None
        self.lint(pattern, where)
        try:
            return re.compile(self.expand(pattern, where), flags)
        except re.error as exc:
            self.error(where, f"pattern {pattern!r} does not compile ({exc}); fix the regex")
            return None

    def regexes(self, patterns: Any, where: str, flags: int = 0) -> tuple[re.Pattern[str], ...]:
        """Compiles a list of patterns, skipping (and reporting) bad ones."""
        compiled = (self.regex(p, where, flags) for p in self.as_list(patterns, where))
        return tuple(p for p in compiled if p is not None)

    def alternation(self, entry: Mapping[str, Any], where: str) -> re.Pattern[str] | None:
        """Compiles a rule's `patterns` and `phrases` into one word-bounded alternation."""
        parts = [self.expand(str(p), where) for p in self.as_list(entry.get("patterns"), where)]
        for phrase in self.as_list(entry.get("phrases"), where):
            parts.append(r"\s+".join(re.escape(word) for word in str(phrase).lower().split()))
        if not parts:
            self.error(where, "has no `patterns` or `phrases`; give it at least one")
            return None
        for part in parts:
            self.lint(part, where)
            try:
                re.compile(part)
            except re.error as exc:
                self.error(where, f"pattern {part!r} does not compile ({exc}); fix the regex")
                return None
        return re.compile(_WRAP_HEAD + "|".join(parts) + _WRAP_TAIL)

    def as_list(self, value: Any, where: str) -> list[Any]:
        """Returns `value` as a list (None -> []), reporting anything that is not a list."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(where, f"expected a list, found {type(value).__name__}")
            return []
        return value

    def as_map(self, value: Any, where: str) -> dict[str, Any]:
        """Returns `value` as a mapping (None -> {}), reporting anything that is not one."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(where, f"expected a mapping, found {type(value).__name__}")
            return {}
        return value


def read_yaml(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Reads a YAML mapping; returns it with a list of errors (empty mapping if unreadable)."""
    try:
        data = yamlio.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return {}, [f"{path.name}: cannot be read ({exc.strerror}); is the file in {path.parent}?"]
    except yaml.YAMLError as exc:
        return {}, [f"{path.name}: is not valid YAML ({exc})"]
    if not isinstance(data, dict):
        return {}, [f"{path.name}: must be a YAML mapping with `version:` and `rules:`"]
    if data.get("version") != 1:
        return data, [f"{path.name}: `version: 1` is missing or unsupported"]
    return data, []
