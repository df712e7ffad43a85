"""Registers the nudge dispatcher service (imported at start by `load_domain_modules`)."""

from __future__ import annotations

from bot.scheduling import service  # noqa: F401 - registers the @hooks.service
