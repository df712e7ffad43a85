"""Labelled examples for a text model: every `*.yaml` file of a folder, in name order, each
holding `messages: [{text, <label>, ...}]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import yamlio


def read_examples(folder: Path) -> list[dict[str, Any]]:
    """Every labelled message in `folder`'s YAML files, in a fixed order."""
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        rows.extend(yamlio.safe_load(path.read_text(encoding="utf-8"))["messages"])
    return rows
