"""Bot API error replies, shaped exactly as Telegram sends them.

Every failure the double answers with is an :class:`ApiError`; its :meth:`ApiError.body` is the
JSON Telegram puts in the HTTP response, so clients (python-telegram-bot) map it onto the same
exceptions they raise in production::

    400 Bad Request    -> telegram.error.BadRequest
    401 / 404          -> telegram.error.InvalidToken (PTB's reading of both)
    403 Forbidden      -> telegram.error.Forbidden
    409 Conflict       -> telegram.error.Conflict
    429 + retry_after  -> telegram.error.RetryAfter
    5xx                -> telegram.error.NetworkError
"""

from __future__ import annotations

from typing import Any

#: Descriptions Telegram uses when a status needs no more detail.
DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"


class ApiError(Exception):
    """A Bot API call that fails with ``{"ok": false, ...}``.

    Args:
        status: HTTP status and ``error_code``.
        description: Telegram's ``description``; defaults to the usual text for ``status``.
        retry_after: Seconds to wait, sent as ``parameters.retry_after`` (429 replies).
    """

    def __init__(self, status: int, description: str = "", retry_after: int | None = None) -> None:
        if not description:
            description = DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
            if status == 429 and retry_after is not None:
                description = f"Too Many Requests: retry after {retry_after}"
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """Returns the JSON body Telegram answers with for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """Returns a 400 error whose description reads ``Bad Request: <detail>``."""
    return ApiError(400, f"Bad Request: {detail}")
