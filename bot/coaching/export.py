"""Render a document a person can keep or share (their plan; later, all their data).

    attachment = render_document(renderer, "plan/export.html", context, stem="my-change-plan")

The words come from a template like any message; the file type follows the key's suffix
(`.html` or `.txt`). HTML templates must escape what people typed with `|e` (the template
environment does not autoescape, because chat messages are plain text).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.messages import Attachment
from bot.engine.render import Renderer

MIME_TYPES = {"html": "text/html", "txt": "text/plain"}


def render_document(
    renderer: Renderer, template: str, context: Mapping[str, Any], *, stem: str
) -> Attachment:
    """Render `template` into a UTF-8 file called `<stem>.<suffix>`.

    Args:
        renderer: the bot's template renderer.
        template: a key ending in `.html` or `.txt` (e.g. ``plan/export.html``).
        context: the template's variables.
        stem: the file name without suffix; keep it free of names and identifiers.
    """
    suffix = template.rsplit(".", 1)[-1]
    if suffix not in MIME_TYPES:
        raise ValueError(f"document template {template!r} must end in .html or .txt")
    text = renderer.render(template, context) + "\n"
    return Attachment(
        filename=f"{stem}.{suffix}",
        content=text.encode("utf-8"),
        mime_type=MIME_TYPES[suffix],
    )
