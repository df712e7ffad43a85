"""Pseudonyms: a person's channel address ("telegram:<id>"), a crisis event's category and a
nudge's kind are stored as deterministic tokens (AES-SIV) under a key of their own, itself
kept encrypted in the new table `pseudonym_key` (storage.pseudonyms).

Existing values are converted in place (the Fernet keys are configured before migrating: at
start, and by `recovery-bot db upgrade`). PostgreSQL's columns become text (a token is longer
than the value); SQLite keeps its columns, which hold a token of any length.

Revision ID: 0011_pseudonyms
Revises: 0010_health_at_rest
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_pseudonyms"
down_revision = "0010_health_at_rest"
branch_labels = None
depends_on = None

#: table -> column stored as a pseudonym from now on
COLUMNS = {"people": "user_key", "safety_events": "category", "nudges": "kind"}


def upgrade() -> None:
    from bot.storage import crypto

    op.create_table(
        "pseudonym_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, column in COLUMNS.items():
            op.alter_column(table, column, type_=sa.Text())
    rows = {table: bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
            for table, column in COLUMNS.items()}
    if not any(rows.values()):
        return  # a new database: the key is made at first start (storage.pseudonyms)
    key = crypto.new_pseudonym_key()
    bind.execute(sa.text("INSERT INTO pseudonym_key (id, key) VALUES (1, :key)"),
                 {"key": crypto.encrypt(key)})
    crypto.configure_pseudonyms(key)
    for table, column in COLUMNS.items():
        for ident, value in rows[table]:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                         {"value": crypto.pseudonymise(str(value)), "id": ident})


def downgrade() -> None:
    raise NotImplementedError("addresses, categories and kinds stay pseudonymous; restore a "
                              "backup to go back")
