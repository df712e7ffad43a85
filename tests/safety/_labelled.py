"""Loads the labelled message sets: held-out and blind sets next to these tests, the rules'
development sets with the training examples in resources/safety/en/examples/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "resources" / "safety" / "en" / "examples"


def load(name: str, key: str = "messages") -> list[dict[str, Any]]:
    """Returns the list under `key` in the YAML file `name` in tests/safety."""
    path = HERE / name if (HERE / name).is_file() else EXAMPLES / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data[key])


def crisis(name: str) -> list[dict[str, Any]]:
    """Messages labelled with a crisis category."""
    return [m for m in load(name) if m["label"] != "none"]


def negatives(name: str) -> list[dict[str, Any]]:
    """Hard negatives: ordinary recovery talk using crisis words."""
    return [m for m in load(name) if m["label"] == "none"]
