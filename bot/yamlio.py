"""YAML reading for every data file: libyaml's C loader when PyYAML has it (it ships in
PyYAML's wheels), the pure-Python safe loader otherwise. Same safe subset either way; the C
loader reads the safety lexicons, flows and labelled examples several times faster, which
is most of start-up."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream: Any) -> Any:  # noqa: ANN401 - YAML is any shape until validated
    """`yaml.safe_load`, faster."""
    return yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader
