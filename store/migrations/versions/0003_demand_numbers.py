"""Demand numbers from a sequence on PostgreSQL.

The "protocol" counter row made every creation wait for the previous one's commit (its row
lock), across all instances sharing the database. A sequence hands out numbers without a lock;
a creation rolled back leaves its number unused. SQLite, one writer at a time, keeps the row.

Revision ID: 0003_demand_numbers
Revises: 0002_card_messages
Create Date: 2026-11-25
"""

from alembic import op

revision = '0003_demand_numbers'
down_revision = '0002_card_messages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Owned by the column it numbers: it goes with the table, and TRUNCATE ... RESTART IDENTITY
    # restarts it.
    op.execute("CREATE SEQUENCE demand_numbers OWNED BY demands.number")
    # Numbering goes on after the last number the counter row gave.
    op.execute("SELECT setval('demand_numbers', GREATEST("
               "(SELECT max(value) FROM counters WHERE name = 'protocol'), "
               "(SELECT max(number) FROM demands), 0) + 1, false)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("INSERT INTO counters (name, value) SELECT 'protocol', coalesce(max(number), 0) FROM demands "
               "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    op.execute("DROP SEQUENCE demand_numbers")
