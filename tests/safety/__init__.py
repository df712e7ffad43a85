"""Tests for bot.safety: crisis and clinical screens, language guard, safety data."""
