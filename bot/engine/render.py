"""Jinja2 over `resources/templates/<locale>/`: every word the bot says comes from here.

Two kinds of template share one key space:

* `folder/name.j2` files, for messages (key ``folder/name``);
* `folder/_labels.yaml` files, a mapping of short strings such as button labels
  (key ``folder/<mapping key>``).

A message template may hold several wordings, separated by lines reading `{# variant #}`.
Lines above a `{# wordings #}` line (imports, `set`s) are shared by every wording. The
engine picks a wording per person so the same person doesn't hear the same sentence day
after day (see `runtime`), and `render(key, context, variant=n)` renders wording n.

Undefined variables are errors (StrictUndefined): a template never silently says "None".
Python code that renders a template by key declares the key with `code_template()` so the
validator can tell used templates from forgotten ones.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pycountry
from jinja2 import (
    ChoiceLoader,
    DictLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    select_autoescape,
)

from bot import yamlio

TEMPLATE_SUFFIX = ".j2"
LABELS_FILE = "_labels.yaml"
VARIANT_MARKER = re.compile(r"^\{#\s*variant\s*#\}[ \t]*\n?", re.M)
SHARED_MARKER = re.compile(r"^\{#\s*wordings\s*#\}[ \t]*\n?", re.M)
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")

_CODE_TEMPLATES: set[str] = set()


def code_template(key: str) -> str:
    """Declare that Python renders `key` (so the validator knows it is used); return it."""
    _CODE_TEMPLATES.add(key)
    return key


def code_templates() -> frozenset[str]:
    """Every template key declared by Python code so far."""
    return frozenset(_CODE_TEMPLATES)


def country_name(code: str | None) -> str:
    """The English short name of an ISO country code (data from pycountry, not prose)."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@functools.lru_cache(maxsize=1)
def _bytecode_cache() -> FileSystemBytecodeCache | None:
    try:
        return FileSystemBytecodeCache()
    except OSError:  # no usable temporary folder: compile at start, as before
        return None


def _load_labels(root: Path) -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in sorted(root.rglob(LABELS_FILE)):
        folder = path.parent.relative_to(root).as_posix()
        data = yamlio.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, text in data.items():
            labels[f"{folder}/{name}" if folder != "." else str(name)] = str(text)
    return labels


def upfirst(text: object) -> str:
    """The first letter a capital, the rest as written ("friday with Jo" -> "Friday with
    Jo"); Jinja's `capitalize` would lower "Jo" and "AA"."""
    value = str(text)
    return value[:1].upper() + value[1:]


class Renderer:
    """Renders templates by key for one locale."""

    def __init__(self, templates_dir: Path, locale: str = "en") -> None:
        self.root = templates_dir / locale
        if not self.root.is_dir():
            raise FileNotFoundError(f"No templates for locale '{locale}' in {templates_dir}")
        self._labels = _load_labels(self.root)
        self._files = set()
        self._variants: dict[str, int] = {}
        variant_sources: dict[str, str] = {}
        for path in self.root.rglob(f"*{TEMPLATE_SUFFIX}"):
            key = path.relative_to(self.root).as_posix()[: -len(TEMPLATE_SUFFIX)]
            self._files.add(key)
            source = path.read_text(encoding="utf-8")
            wordings = VARIANT_MARKER.split(source)
            if len(wordings) > 1:
                shared = ""
                head = SHARED_MARKER.split(wordings[0], maxsplit=1)
                if len(head) == 2:
                    shared, wordings[0] = head
                self._variants[key] = len(wordings)
                for index, wording in enumerate(wordings):
                    variant_sources[f"{key}#{index}"] = shared + wording
        self.env: Environment = Environment(
            loader=ChoiceLoader(
                [DictLoader(variant_sources), FileSystemLoader(str(self.root)),
                 DictLoader(self._labels)]
            ),
            undefined=StrictUndefined,
            # Chat messages are plain text; a page (`*.html.j2`: the exports) escapes every
            # value, so nothing a person typed can become markup in it.
            autoescape=select_autoescape(enabled_extensions=("html.j2",),
                                         default_for_string=False, default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # Compiled templates are kept between starts (in a per-user temporary folder,
            # keyed by each template's source): start-up no longer compiles ~550 templates.
            bytecode_cache=_bytecode_cache(),
        )
        self.env.filters["country_name"] = country_name
        self.env.filters["upfirst"] = upfirst
        self._static = {
            key: text.strip() for key, text in self._labels.items()
            if "{" not in text and "\n" not in text
        }
        self._expressions: dict[str, Any] = {}
        self._templates: dict[str, Template] = {}

    def keys(self) -> frozenset[str]:
        """Every template key that exists."""
        return frozenset(self._files | set(self._labels))

    def has(self, key: str) -> bool:
        """Whether a template called `key` exists."""
        return key in self._files or key in self._labels

    def variants(self, key: str) -> int:
        """How many wordings template `key` has (1 for most)."""
        return self._variants.get(key, 1)

    def render(self, key: str, context: Mapping[str, Any] | None = None,
               variant: int = 0) -> str:
        """Render template `key` (wording `variant`) with `context`; whitespace tidied."""
        static = self._static.get(key)
        if static is not None:
            return static  # a label with no Jinja in it: nothing to render
        if key in self._variants:
            key = f"{key}#{variant % self._variants[key]}"
        template = self._templates.get(key)
        if template is None:
            name = key + TEMPLATE_SUFFIX if key in self._files else key
            try:
                template = self.env.get_template(name)
            except TemplateNotFound as exc:
                raise KeyError(f"template '{key}' does not exist") from exc
            # Loaded once: Jinja's own cache checks the file's mtime on every render.
            self._templates[key] = template
        text = _TRAILING_SPACE.sub("\n", template.render(**(context or {})))
        return _BLANK_LINES.sub("\n\n", text).strip()

    def check_expression(self, expression: str) -> str | None:
        """None if `expression` compiles as a Jinja expression, else the error."""
        try:
            self.env.compile_expression(expression)
        except TemplateError as exc:
            return str(exc)
        return None

    def evaluate(self, expression: str, context: Mapping[str, Any]) -> Any:
        """Evaluate a Jinja expression (used for `skip_if` and conditional `next`)."""
        compiled = self._expressions.get(expression)
        if compiled is None:
            compiled = self.env.compile_expression(expression, undefined_to_none=True)
            self._expressions[expression] = compiled
        return compiled(**context)

    def check_all(self, context: Mapping[str, Any]) -> list[str]:
        """Compile every template (syntax errors are named by key)."""
        problems = []
        for key in sorted(self.keys()):
            names = ([f"{key}#{i}" for i in range(self._variants[key])] if key in self._variants
                     else [key + TEMPLATE_SUFFIX if key in self._files else key])
            for name in names:
                try:
                    self.env.get_template(name)
                except TemplateError as exc:
                    problems.append(f"template '{name}': {exc}")
        return problems
