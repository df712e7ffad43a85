"""A person's data as files they keep: JSON for machines, an HTML page for people.

Both are built from `records.rows_about`, so every table about a person is in them (a test
holds the schema to that). The HTML reuses the plan's document renderer.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.coaching.export import render_document
from bot.engine.messages import Attachment
from bot.engine.render import Renderer, code_template
from bot.privacy.records import exported_tables

EXPORT_HTML = code_template("privacy/export.html")
# Each exported table's section title (`privacy/table_<name>` in privacy/_labels.yaml):
# declared here, so the flow check fails for a new table until it has a title.
SECTION_TITLES = {t.name: code_template(f"privacy/table_{t.name}") for t in exported_tables()}
STEM = "my-recovery-bot-data"
# Columns that only join rows together: kept in the JSON, left out of the readable page.
PLUMBING = ("id", "person_id", "version")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_json(rows: dict[str, list[dict[str, Any]]], exported_at: datetime) -> dict[str, Any]:
    """The export's JSON document: format version, time, and every row by table."""
    return {
        "format": "recovery-bot-export/1",
        "exported_at": exported_at.isoformat(),
        "tables": {name: [_plain(row) for row in items] for name, items in rows.items()},
    }


def _readable(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(_plain(value), ensure_ascii=False, indent=2)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _section_title(renderer: Renderer, table: str) -> str:
    key = SECTION_TITLES.get(table)
    return renderer.render(key, {}) if key and renderer.has(key) else table.replace("_", " ")


def sections(renderer: Renderer, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Tables as page sections: a title and, per row, (field, text) pairs without plumbing."""
    out = []
    for table, items in rows.items():
        records = [
            [(name.replace("_", " "), _readable(value)) for name, value in row.items()
             if name not in PLUMBING and not name.endswith("_id") and value is not None]
            for row in items
        ]
        out.append({"table": table, "title": _section_title(renderer, table),
                    "records": records})
    return out


def export_files(
    renderer: Renderer, rows: dict[str, list[dict[str, Any]]], exported_at: datetime
) -> tuple[Attachment, Attachment]:
    """(JSON file, HTML file) of everything stored about the person."""
    stem = f"{STEM}-{exported_at.date().isoformat()}"
    data = json.dumps(as_json(rows, exported_at), ensure_ascii=False, indent=2) + "\n"
    machine = Attachment(filename=f"{stem}.json", content=data.encode("utf-8"),
                         mime_type="application/json")
    page = render_document(
        renderer, EXPORT_HTML,
        {"sections": sections(renderer, rows), "exported_at": exported_at}, stem=stem,
    )
    return machine, page
