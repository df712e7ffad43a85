"""The project's errors, split by who can act on them.

    RecoveryBotError
    ├── ConfigurationError      the operator fixes settings or data files
    │   └── FlowError           a flow or template is invalid (names flow and state)
    └── ConversationConflict    two updates for one person raced; the caller retries
"""

from __future__ import annotations


class RecoveryBotError(Exception):
    """Base of every error raised on purpose by this package."""


class ConfigurationError(RecoveryBotError):
    """Settings or data files are wrong; the message says what to change."""


class FlowError(ConfigurationError):
    """A flow definition is invalid."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class ConversationConflict(RecoveryBotError):
    """Someone else changed this conversation first; run the step again."""
