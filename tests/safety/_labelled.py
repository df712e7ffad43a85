"""Loads the labelled message sets that live next to these tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


def load(name: str, key: str = "messages") -> list[dict[str, Any]]:
    """Returns the list under `key` in the YAML file `name` in tests/safety."""
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return list(data[key])


def crisis(name: str) -> list[dict[str, Any]]:
    """Messages labelled with a crisis category."""
    return [m for m in load(name) if m["label"] != "none"]


def negatives(name: str) -> list[dict[str, Any]]:
    """Hard negatives: ordinary recovery talk using crisis words."""
    return [m for m in load(name) if m["label"] == "none"]
