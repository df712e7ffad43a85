"""Health details opaque at rest: the crisis rule, the pathway, check-in answers and a coach
request's reason and rating are encrypted like everything a person typed.

Existing values are encrypted in place (the keys are configured before migrating: at start,
and by `recovery-bot db upgrade`). What stays plain is what queries need: a crisis event's
category (the concern question is held back by it), a handoff's urgency (the queue's order),
a nudge's kind (the dispatcher's index).

Revision ID: 0010_health_at_rest
Revises: 0009_key_canary
Create Date: 2026-12-02
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0010_health_at_rest"
down_revision = "0009_key_canary"
branch_labels = None
depends_on = None

#: table -> (primary key, [(column, stored as JSON)])
COLUMNS = {
    "safety_events": ("id", [("rule", False)]),
    "people": ("id", [("pathway", False)]),
    "checkins": ("id", [("mood", True), ("craving", True), ("went_to_plan", False)]),
    "handoffs": ("id", [("reason", False), ("rating", False)]),
}


def upgrade() -> None:
    from bot.storage import crypto

    bind = op.get_bind()
    for table, (key, columns) in COLUMNS.items():
        # PostgreSQL: the columns become text. SQLite keeps its columns as they are: it
        # stores a token in any column, and rebuilding a table (batch mode) would drop the
        # old one, and with foreign keys on, every row that refers to it.
        if bind.dialect.name == "postgresql":
            for column, _ in columns:
                op.alter_column(table, column, type_=sa.Text(),
                                postgresql_using=f"{column}::text")
        names = ", ".join(c for c, _ in columns)
        rows = bind.execute(sa.text(f"SELECT {key}, {names} FROM {table}")).all()
        for row in rows:
            values: dict[str, str | None] = {}
            for index, (column, as_json) in enumerate(columns, start=1):
                value = row[index]
                if value is None:
                    values[column] = None
                elif as_json:
                    values[column] = crypto.encrypt(json.dumps(int(value)))
                else:
                    values[column] = crypto.encrypt(str(value))
            sets = ", ".join(f"{c} = :{c}" for c, _ in columns)
            bind.execute(sa.text(f"UPDATE {table} SET {sets} WHERE {key} = :key"),
                         {**values, "key": row[0]})


def downgrade() -> None:
    raise NotImplementedError("health details stay encrypted; restore a backup to go back")
