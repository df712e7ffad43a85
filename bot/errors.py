"""The project's errors, split by who can act on them.

    RecoveryBotError
    └── ConfigurationError      the operator fixes settings or data files
        └── FlowError           a flow or template is invalid (names flow and state)
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



def where_it_failed(error: BaseException | None) -> str:
    """An error's type and the code path that raised it, without its message.

    Exception messages can carry what a person typed or a Telegram id (a database error
    quotes its SQL parameters), so logs get only the type and the frames, never `str(error)`.
    """
    import traceback

    if error is None:
        return "unknown error"
    frames = "".join(traceback.format_tb(error.__traceback__))
    cause = error.__cause__ or error.__context__
    caused_by = f"\n(caused by {type(cause).__name__})" if cause is not None else ""
    return f"{type(error).__name__}\n{frames}{caused_by}".rstrip()
